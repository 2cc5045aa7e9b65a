using Microsoft.ML.Tokenizers;
using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.MLNet.Tokenization;

public static partial class HuggingFaceTokenizerLoader
{
    private static ITextTokenizer LoadTokenizerJson(string folder, HuggingFaceTokenizerFiles files)
    {
        string path = Path.Combine(folder, HuggingFaceTokenizerFiles.TokenizerJson);
        Tokenizer tokenizer;
        try
        {
            tokenizer = TokenizerJsonLoader.Load(path, addSpecialTokens: false);
        }
        catch (Exception e) when (e is TokenizerJsonException or IOException or UnauthorizedAccessException
                                      or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new TokenizerLoadException($"Could not load {path}: {e.Message}", folder, e);
        }

        if (tokenizer is HuggingFaceBpeTokenizer bpe)
        {
            int? Lookup(string token) =>
                bpe.TokenToIdMap.TryGetValue(token, out int id) || files.AddedTokens.TryGetValue(token, out id) ? id : null;
            IReadOnlyList<int> before = bpe.SpecialTokensAround.Before;
            return Build(folder, files, bpe, Lookup, Math.Max(bpe.IdCount - 1, files.AddedTokens.Values.DefaultIfEmpty(-1).Max()),
                HuggingFaceTokenizerFiles.TokenizerJson, modelIds: null, addBosDefault: bos => bos is int b && before.Contains(b));
        }

        var sentencePiece = (SentencePieceTokenizer)tokenizer;
        IReadOnlyDictionary<string, int> vocabulary = sentencePiece.Vocabulary;
        int? LookupPiece(string token) =>
            files.AddedTokens.TryGetValue(token, out int id) || vocabulary.TryGetValue(token, out id) ? id : null;
        int maxId = Math.Max(vocabulary.Count == 0 ? -1 : vocabulary.Values.Max(), files.AddedTokens.Values.DefaultIfEmpty(-1).Max());
        return Build(folder, files, sentencePiece, LookupPiece, maxId, HuggingFaceTokenizerFiles.TokenizerJson,
            (sentencePiece.BeginningOfSentenceId, sentencePiece.EndOfSentenceId), addBosDefault: _ => true);
    }
}
