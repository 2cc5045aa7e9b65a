using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace R2M.Estimators.Configuration;

/// <summary>
/// The summary of a property from its assembly's XML documentation file (next to the assembly), as plain text,
/// so the schema's descriptions are the Options classes' own documentation. Null when the file is not there.
/// </summary>
internal static partial class XmlDocDescriptions
{
    private static readonly Dictionary<Assembly, Dictionary<string, string>?> Files = [];

    /// <summary>The property's summary in plain text, or null.</summary>
    public static string? Of(MemberInfo member)
    {
        Type? type = member.DeclaringType;
        if (type is null) return null;
        Dictionary<string, string>? docs;
        lock (Files)
        {
            if (!Files.TryGetValue(type.Assembly, out docs)) Files[type.Assembly] = docs = Load(type.Assembly);
        }
        return docs is not null && docs.TryGetValue($"P:{type.FullName}.{member.Name}", out string? text) ? text : null;
    }

    private static Dictionary<string, string>? Load(Assembly assembly)
    {
        if (string.IsNullOrEmpty(assembly.Location)) return null;
        string path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path)) return null;
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in XDocument.Load(path).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is string name && member.Element("summary") is XElement summary)
                docs[name] = PlainText(summary);
        }
        return docs;
    }

    /// <summary>Text of a summary: &lt;see cref="T:A.B"/&gt; becomes B, &lt;c&gt;x&lt;/c&gt; becomes x, whitespace collapsed.</summary>
    private static string PlainText(XElement summary)
    {
        var text = new StringBuilder();
        foreach (var node in summary.DescendantNodes())
        {
            if (node is XText t && node.Parent is not null) text.Append(t.Value);
            else if (node is XElement { Name.LocalName: "see" or "paramref" or "typeparamref" } e)
                text.Append((e.Attribute("cref")?.Value ?? e.Attribute("name")?.Value ?? e.Attribute("langword")?.Value ?? "").Split('.', ':')[^1]);
        }
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
