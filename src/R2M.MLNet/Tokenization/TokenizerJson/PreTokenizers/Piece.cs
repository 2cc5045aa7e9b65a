namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A pre-token: its (possibly transformed) text and where it starts in the original input.</summary>
internal readonly record struct Piece(string Text, int Offset);
