using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

/// <summary>ML.NET's single-prediction habit, <c>mlContext.Model.CreatePredictionEngine</c>, on R2M models.</summary>
public class PredictionEngineTests
{
    private static readonly string[] Prompts = ["say river stone", "say lamp cloud"];

    [Fact]
    public void Prediction_engine_on_a_loaded_zip_gives_the_response_and_reward_that_Transform_gives()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 7, maxNewTokens: 5);
        var ml = new MLContext(seed: 1);

        using var model = ml.R2M().LoadModel(path);

        PredictionsMatchTransform(ml, model);
    }

    [Fact]
    public void Prediction_engine_on_a_fitted_pipeline_gives_the_response_and_reward_that_Transform_gives()
    {
        using var dir = new TempDir();
        var ml = new MLContext(seed: 1);
        var r2m = ml.R2M();

        var model = PipelineFixture.FullChain(r2m).Fit(new MultiFileSource(PipelineFixture.WritePreferences(dir, 48)));

        PredictionsMatchTransform(ml, model.Transformer);
    }

    [Fact]
    public void Prediction_engine_reuses_one_generation_for_the_response_and_reward_of_a_row_and_a_new_one_for_the_next_row()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 8, maxNewTokens: 4);
        var ml = new MLContext(seed: 1);
        using var model = ml.R2M().LoadModel(path);
        using var engine = ml.Model.CreatePredictionEngine<R2MGraphInput, R2MGraphOutput>(model);

        var first = engine.Predict(new R2MGraphInput { Prompt = Prompts[0] });
        var second = engine.Predict(new R2MGraphInput { Prompt = Prompts[1] });
        var firstAgain = engine.Predict(new R2MGraphInput { Prompt = Prompts[0] });

        first.Reward.Should().Be(model.Score([Prompts[0]], [first.Response])[0], "the reward scores the response generated for the same row");
        second.Response.Should().Be(model.Generate([Prompts[1]])[0], "the second row gets its own generation");
        firstAgain.Response.Should().Be(first.Response);
        firstAgain.Reward.Should().Be(first.Reward);
    }

    [Fact]
    public void Prediction_engines_on_four_threads_over_one_loaded_model_give_the_single_thread_answers()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 9, maxNewTokens: 4);
        var ml = new MLContext(seed: 1);
        using var model = ml.R2M().LoadModel(path);
        var expected = model.Generate(Prompts);

        var answers = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(t =>
        {
            // One engine per thread, sharing the model: ML.NET's default would dispose it with the first engine.
            using var engine = ml.Model.CreatePredictionEngine<R2MGraphInput, R2MGraphOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
            return Enumerable.Range(0, 3).SelectMany(_ => Prompts.Select(p => engine.Predict(new R2MGraphInput { Prompt = p }).Response)).ToList();
        }).ToList();

        answers.Should().AllSatisfy(a => a.Should().Equal([.. expected, .. expected, .. expected]));
    }

    [Fact]
    public void Disposing_an_engine_made_with_mlnet_defaults_disposes_the_model_and_later_use_says_so()
    {
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 9, maxNewTokens: 4);
        var ml = new MLContext(seed: 1);
        using var model = ml.R2M().LoadModel(path);

        using (var owning = ml.Model.CreatePredictionEngine<R2MGraphInput, R2MGraphOutput>(model))
            owning.Predict(new R2MGraphInput { Prompt = Prompts[0] });
        Action use = () => model.Generate([Prompts[0]]);

        use.Should().Throw<ObjectDisposedException>().WithMessage("*PredictionEngine*OwnsTransformer = false*");
    }

    private static void PredictionsMatchTransform(MLContext ml, ITransformer model)
    {
        var batch = model.Transform(PipelineFixture.Prompts(ml, Prompts));
        var responses = batch.GetColumn<string>(Columns.Response).ToArray();
        var rewards = batch.GetColumn<float>(Columns.Reward).ToArray();

        using var engine = ml.Model.CreatePredictionEngine<R2MGraphInput, R2MGraphOutput>(model);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var prediction = engine.Predict(new R2MGraphInput { Prompt = Prompts[i] });
            prediction.Response.Should().Be(responses[i], "greedy generation is the same one row at a time as in a batch");
            prediction.Reward.Should().BeApproximately(rewards[i], 1e-4f, "padding in a batch changes only rounding");
        }
    }
}
