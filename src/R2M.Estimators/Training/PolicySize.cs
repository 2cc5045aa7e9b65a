namespace R2M.Estimators.Training;

/// <summary>Shapes for policies trained from scratch.</summary>
public enum PolicySize
{
    /// <summary>2 layers, d 64, 4 heads (2 key/value heads): tests and the quick run.</summary>
    Tiny,
    /// <summary>4 layers, d 128, 4 heads (2 key/value heads): the main job on CPU.</summary>
    Small,
    /// <summary>4 layers, d 256, 8 heads (4 key/value heads).</summary>
    Medium,
}
