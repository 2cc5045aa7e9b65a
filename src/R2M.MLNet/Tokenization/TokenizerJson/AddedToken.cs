namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// An entry of <c>tokenizer.json</c>'s <c>added_tokens</c>: matched whole in the input before the model runs.
/// </summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">Its text.</param>
/// <param name="Special">A special token (BOS, EOS, chat markers): dropped when decoding with special tokens skipped.</param>
/// <param name="Normalized">Matched in the normalized text rather than the raw input.</param>
/// <param name="LStrip">Also takes the white space on its left.</param>
/// <param name="RStrip">Also takes the white space on its right.</param>
/// <param name="SingleWord">Matched only where it is not part of a longer word.</param>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LStrip, bool RStrip, bool SingleWord);
