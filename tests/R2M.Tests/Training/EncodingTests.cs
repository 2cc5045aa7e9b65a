using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class EncodingTests
{
    public EncodingTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Sequence_is_bos_prompt_response_eos_with_the_response_start_marked()
    {
        var tok = new ByteLevelTokenizer();

        var e = new SequenceCodec(tok).Encode("ab", "xyz", 64);

        e.Ids.Should().Equal(ByteLevelTokenizer.Bos, 'a', 'b', 'x', 'y', 'z', ByteLevelTokenizer.Eos);
        e.ResponseStart.Should().Be(3);
    }

    [Fact]
    public void Truncation_drops_the_prompt_from_the_left_then_cuts_the_response_end_and_keeps_eos()
    {
        var tok = new ByteLevelTokenizer();

        var promptCut = new SequenceCodec(tok).Encode("abcdef", "xyz", 7);         // BOS + 2 prompt + 3 + EOS
        var responseCut = new SequenceCodec(tok).Encode("abcdef", "uvwxyz", 5);     // BOS + 1 prompt + 2 + EOS

        promptCut.Ids.Should().Equal(ByteLevelTokenizer.Bos, 'e', 'f', 'x', 'y', 'z', ByteLevelTokenizer.Eos);
        responseCut.Ids.Should().Equal(ByteLevelTokenizer.Bos, 'f', 'u', 'v', ByteLevelTokenizer.Eos);
        responseCut.ResponseStart.Should().Be(2);
    }

    [Fact]
    public void Score_is_read_at_each_rows_eos_never_at_padding_even_when_pad_equals_eos()
    {
        var tok = new Gpt2BpeTokenizer(); // PAD == EOS == 50256
        var seqs = new[] { ("Hi", "there friend"), ("A longer prompt here", "ok"), ("x", "y") }
            .Select(t => new SequenceCodec(tok).Encode(t.Item1, t.Item2, 64)).ToList();
        var batch = new SequenceCodec(tok).RightPad(seqs, CPU);

        var index = SequenceScoreModel.LastTokenIndex(batch.Mask).data<long>().ToArray();

        index.Should().Equal(seqs.Select(s => (long)s.Ids.Length - 1));
        for (int row = 0; row < seqs.Count; row++)
        {
            batch.Ids[row, index[row]].item<long>().Should().Be(tok.EosId);
            batch.Mask[row, index[row]].item<long>().Should().Be(1, "the EOS read is a real token, not padding");
        }
        batch.Mask[2].sum().item<long>().Should().BeLessThan(batch.Mask.shape[1], "row 2 is padded with the same id as EOS");
    }

    [Fact]
    public void Sft_loss_counts_response_tokens_only()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = new CausalLM(CausalLMConfig.Llama(ByteLevelTokenizer.Size, 16, 1, 2, 2, 32, 128));
        var tok = new ByteLevelTokenizer();
        var seq = new SequenceCodec(tok).Encode("prompt", "answer", 64);
        var batch = new SequenceCodec(tok).RightPad([seq], CPU);

        using var noGrad = no_grad();
        var loss = SupervisedFineTuner.ResponseLoss(model, batch).item<float>();

        var logits = model.Forward(batch.Ids).Logits[0];                               // (T, V)
        var logp = nn.functional.log_softmax(logits, 1);
        double manual = 0;
        for (int i = seq.ResponseStart; i < seq.Ids.Length; i++) manual -= logp[i - 1, seq.Ids[i]].item<float>();
        manual /= seq.Ids.Length - seq.ResponseStart;
        loss.Should().BeApproximately((float)manual, 1e-5f);
    }
}
