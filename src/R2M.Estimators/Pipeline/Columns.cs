using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>Column names, and reading and checking columns with ML.NET's own wording for schema errors.</summary>
public static class Columns
{
    /// <summary>The prompt column.</summary>
    public const string Prompt = "Prompt";
    /// <summary>The preferred response of a preference pair.</summary>
    public const string Chosen = "Chosen";
    /// <summary>The other response of a preference pair.</summary>
    public const string Rejected = "Rejected";
    /// <summary>The optional preference margin.</summary>
    public const string Margin = "Margin";
    /// <summary>A response (generated, or given for scoring).</summary>
    public const string Response = "Response";
    /// <summary>The reward of Prompt + Response.</summary>
    public const string Reward = "Reward";
    /// <summary>Reward of Prompt + Chosen.</summary>
    public const string ChosenReward = "ChosenReward";
    /// <summary>Reward of Prompt + Rejected.</summary>
    public const string RejectedReward = "RejectedReward";

    /// <summary>Throws ML.NET's "Could not find …" or "Schema mismatch …" error unless the schema has a text column.</summary>
    public static DataViewSchema.Column RequireText(DataViewSchema schema, string role, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find {role} column '{name}'");
        if (column.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for {role} column '{name}': expected String, got {column.Type}");
        return column;
    }

    /// <summary>Same check on a <see cref="SchemaShape"/> (used by estimators before Fit).</summary>
    public static void RequireText(SchemaShape shape, string role, string name)
    {
        if (!TryFind(shape, name, out var column)) throw new ArgumentOutOfRangeException(nameof(shape), $"Could not find {role} column '{name}'");
        if (column.ItemType is not TextDataViewType || column.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(shape), $"Schema mismatch for {role} column '{name}': expected String, got {column.ItemType}");
    }

    /// <summary>Whether the schema has a text column of that name.</summary>
    public static bool HasText(DataViewSchema schema, string name) => schema.GetColumnOrNull(name)?.Type is TextDataViewType;

    /// <summary>Whether the shape has a scalar text column of that name.</summary>
    public static bool HasText(SchemaShape shape, string name) =>
        TryFind(shape, name, out var c) && c.ItemType is TextDataViewType && c.Kind == SchemaShape.Column.VectorKind.Scalar;

    private static bool TryFind(SchemaShape shape, string name, out SchemaShape.Column column)
    {
        foreach (var c in shape)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>All values of a text column.</summary>
    public static string[] ReadText(IDataView view, string role, string name)
    {
        var column = RequireText(view.Schema, role, name);
        return view.GetColumn<ReadOnlyMemory<char>>(column).Select(m => m.ToString()).ToArray();
    }

    /// <summary>All values of a Single column, or null when the view has none of that name.</summary>
    public static float[]? ReadSingleOrNull(IDataView view, string name)
    {
        var column = view.Schema.GetColumnOrNull(name);
        if (column is null) return null;
        if (column.Value.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(view), $"Schema mismatch for margin column '{name}': expected Single, got {column.Value.Type}");
        return view.GetColumn<float>(column.Value).ToArray();
    }

    /// <summary>A schema: <paramref name="input"/> plus <paramref name="added"/> columns.</summary>
    public static DataViewSchema Extend(DataViewSchema input, params (string Name, DataViewType Type)[] added)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type) in added) builder.AddColumn(name, type);
        return builder.ToSchema();
    }
}
