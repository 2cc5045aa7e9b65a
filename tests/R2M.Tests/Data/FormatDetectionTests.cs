using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class FormatDetectionTests
{
    [Theory]
    [InlineData("""[{"annotator1": 1}]""", PreferenceFormat.PandaLM)]
    [InlineData("""{"prediction 1": "x"}""", PreferenceFormat.FineGrainedRlhf)]
    [InlineData("""[{"preference": [1]}]""", PreferenceFormat.FineGrainedRlhf)]
    [InlineData("""{"chosen": [], "rejected": []}""", PreferenceFormat.Conversational)]
    [InlineData("""  [{"prompt": "p", "chosen": "a", "rejected": "a"}]""", PreferenceFormat.Trl)]
    public void First_record_keys_choose_the_json_format(string content, PreferenceFormat expected)
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "data.txt", content);

        var act = () => PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { SkipInvalid = true });

        // These one-record files have no valid pair, so the load fails; its message names the detected format.
        act.Should().Throw<PreferenceDataException>().Which.Message.Should().Contain($"read as {expected}:");
    }

    [Fact]
    public void Unknown_keys_error_lists_keys_found_and_formats_tried()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "data.json", """[{"question": "q", "answer": "a"}]""");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().Which.Message.Should().Be(
            $"{path}: record 1: cannot detect the format: the first record has keys ['question', 'answer']; " +
            "tried PandaLM (needs 'annotator1'), FineGrainedRlhf (needs 'prediction 1' or 'preference'), " +
            "Conversational (needs a list-valued 'chosen'), Trl (needs 'chosen' and 'rejected'); " +
            "Csv and Tsv are chosen by the .csv/.tsv extension");
    }

    [Fact]
    public void Non_json_content_without_csv_extension_is_an_error()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "data.txt", "prompt,chosen,rejected\nq,a,b\n");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().Which.Message.Should().Be(
            $"{path}: not JSON: a JSON array starts with '[' and a JSON Lines file with '{{', but this file starts with 'p'");
    }

    [Fact]
    public void Explicit_format_overrides_the_extension()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "data.txt", "prompt,chosen,rejected\nq,a,b\n");

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { Format = PreferenceFormat.Csv });

        result.Format.Should().Be(PreferenceFormat.Csv);
        result.Pairs.Should().ContainSingle();
    }
}
