using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.MLNet.Data;

/// <summary>
/// Converts preference pairs to and from an ML.NET <see cref="IDataView"/> with the columns
/// <c>Prompt</c>, <c>Chosen</c>, <c>Rejected</c> (text) and <c>Margin</c> (Single). <c>Origin</c> is not carried.
/// </summary>
public static class PreferenceDataView
{
    /// <summary>The prompt column's name.</summary>
    public const string PromptColumn = "Prompt";

    /// <summary>The preferred response column's name.</summary>
    public const string ChosenColumn = "Chosen";

    /// <summary>The other response column's name.</summary>
    public const string RejectedColumn = "Rejected";

    /// <summary>The margin column's name.</summary>
    public const string MarginColumn = "Margin";

    /// <summary>An in-memory data view of <paramref name="pairs"/> (enumerated once, now).</summary>
    /// <param name="ml">The ML.NET context.</param>
    /// <param name="pairs">The pairs, in order.</param>
    public static IDataView ToDataView(MLContext ml, IEnumerable<PreferencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(pairs);
        var rows = pairs.Select(p => new PreferenceRow { Prompt = p.Prompt, Chosen = p.Chosen, Rejected = p.Rejected, Margin = p.Margin }).ToList();
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>
    /// Reads the pairs back (Origin null). The view must have text columns Prompt, Chosen, Rejected and a Single column
    /// Margin; otherwise an <see cref="ArgumentException"/> says "Could not find {role} column '{name}'" or
    /// "Schema mismatch for {role} column '{name}': expected {T}, got {U}".
    /// </summary>
    /// <param name="view">A view with the four columns (others are ignored).</param>
    public static IReadOnlyList<PreferencePair> FromDataView(IDataView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var prompt = Column(view.Schema, PromptColumn, TextDataViewType.Instance);
        var chosen = Column(view.Schema, ChosenColumn, TextDataViewType.Instance);
        var rejected = Column(view.Schema, RejectedColumn, TextDataViewType.Instance);
        var margin = Column(view.Schema, MarginColumn, NumberDataViewType.Single);

        var pairs = new List<PreferencePair>();
        using var cursor = view.GetRowCursor([prompt, chosen, rejected, margin]);
        var getPrompt = cursor.GetGetter<ReadOnlyMemory<char>>(prompt);
        var getChosen = cursor.GetGetter<ReadOnlyMemory<char>>(chosen);
        var getRejected = cursor.GetGetter<ReadOnlyMemory<char>>(rejected);
        var getMargin = cursor.GetGetter<float>(margin);
        ReadOnlyMemory<char> p = default, c = default, r = default;
        float m = 0;
        while (cursor.MoveNext())
        {
            getPrompt(ref p);
            getChosen(ref c);
            getRejected(ref r);
            getMargin(ref m);
            pairs.Add(new PreferencePair(p.ToString(), c.ToString(), r.ToString(), m));
        }
        return pairs.AsReadOnly();
    }

    private static DataViewSchema.Column Column(DataViewSchema schema, string name, DataViewType expected)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"Could not find {name} column '{name}'", "view");
        if (!column.Type.Equals(expected))
            throw new ArgumentException($"Schema mismatch for {name} column '{name}': expected {expected}, got {column.Type}", "view");
        return column;
    }
}
