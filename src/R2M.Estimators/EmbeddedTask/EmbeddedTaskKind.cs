namespace R2M.Estimators.EmbeddedTask;

/// <summary>The instruction templates of the embedded task.</summary>
public enum EmbeddedTaskKind
{
    /// <summary>"list 3 colors:" → n distinct members of a category, any order (" red blue green").</summary>
    List,
    /// <summary>"repeat cat twice:" / "repeat cat 3 times:" → the word k times (" cat cat").</summary>
    Repeat,
    /// <summary>"opposite of hot:" → the antonym (" cold").</summary>
    Opposite,
    /// <summary>"count from 3 to 6:" → the integers from a to b (" 3 4 5 6").</summary>
    Count,
}
