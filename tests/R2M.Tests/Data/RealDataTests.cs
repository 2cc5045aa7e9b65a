using R2M.MLNet.Data;

namespace R2M.Tests.Data;

/// <summary>Acceptance counts on the real files in ../shared/data (see its SOURCES.md); skipped where absent.</summary>
public class RealDataTests
{
    [SkippableFact]
    public void PandaLm_testset_gives_894_pairs_with_booleans_kept_as_text()
    {
        string path = DataFile.Shared("pandalm_testset_v1.json");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.PandaLM);
        result.Pairs.Should().HaveCount(894);
        result.TiesDropped.Should().Be(105);
        result.Skipped.Should().Be(0);
        result.Pairs.Count(p => p.Chosen is "true" or "false" || p.Rejected is "true" or "false").Should().Be(6);
        result.Pairs.Should().OnlyContain(p => p.Origin!.StartsWith("pandalm_testset_v1.json:"));
    }

    [SkippableFact]
    public void PandaLm_testset_gives_888_pairs_when_boolean_rows_are_skipped()
    {
        string path = DataFile.Shared("pandalm_testset_v1.json");

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { PandaLmNonStringResponses = PandaLmNonStringResponses.Skip });

        result.Pairs.Should().HaveCount(888);
        result.Skipped.Should().Be(6);
        result.TiesDropped.Should().Be(105);
    }

    [SkippableFact]
    public void PandaLm_testset_has_52_pairs_with_an_empty_response_that_reject_policy_removes()
    {
        string path = DataFile.Shared("pandalm_testset_v1.json");

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { EmptyResponses = EmptyResponsePolicy.Reject, SkipInvalid = true });

        result.Pairs.Should().HaveCount(894 - 52);
        result.Errors.Should().HaveCount(52).And.OnlyContain(e => e.Reason == "empty or whitespace-only text");
    }

    [SkippableFact]
    public void FineGrainedRlhf_dev_gives_2616_pairs_and_384_ties()
    {
        string path = DataFile.Shared("finegrained_rlhf_qa_feedback_dev.json");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.FineGrainedRlhf);
        result.Pairs.Should().HaveCount(2616);
        result.TiesDropped.Should().Be(384);
        result.Skipped.Should().Be(0);
    }

    [SkippableFact]
    public void Prompt_hash_split_of_real_data_is_disjoint_and_near_the_requested_fraction()
    {
        string path = DataFile.Shared("finegrained_rlhf_qa_feedback_dev.json");
        var pairs = PreferenceDataLoader.Load(path).Pairs;

        var (train, validation) = PreferenceSplit.ByPromptHash(pairs, 0.2);

        var validationPrompts = validation.Select(p => p.Prompt).ToHashSet();
        train.Should().NotContain(p => validationPrompts.Contains(p.Prompt));
        (train.Count + validation.Count).Should().Be(pairs.Count);
        ((double)validationPrompts.Count / pairs.Select(p => p.Prompt).Distinct().Count()).Should().BeInRange(0.15, 0.25);
        ((double)validation.Count / pairs.Count).Should().BeInRange(0.14, 0.26);
        PreferenceSplit.ByPromptHash(pairs, 0.2).Validation.Should().Equal(validation);
    }
}
