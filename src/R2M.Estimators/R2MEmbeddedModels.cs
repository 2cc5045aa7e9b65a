using System.Reflection;
using R2M.Estimators.Pipeline;

namespace R2M.Estimators;

/// <summary>
/// Loads a model zip embedded as a resource, as <c>&lt;R2MModel Include="Models/assistant.zip" EmbedAsResource="true" /&gt;</c>
/// does (the resource is named by the item's path, with forward slashes).
/// </summary>
public static class R2MEmbeddedModels
{
    /// <summary>Loads the embedded model zip <paramref name="resourceName"/> of <paramref name="assembly"/> (verified like a file).</summary>
    /// <param name="catalog">The R2M catalog.</param>
    /// <param name="assembly">The assembly holding the resource.</param>
    /// <param name="resourceName">The resource name, e.g. "Models/assistant.zip".</param>
    /// <exception cref="FileNotFoundException">The assembly has no such resource; the message lists those it has.</exception>
    public static R2MPolicyTransformer LoadModel(this R2MCatalog catalog, Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(assembly);
        using Stream resource = assembly.GetManifestResourceStream(resourceName) ?? throw new FileNotFoundException(
            $"{assembly.GetName().Name} has no embedded resource '{resourceName}'; it has: {string.Join(", ", assembly.GetManifestResourceNames())}.", resourceName);
        string temp = Path.Combine(Path.GetTempPath(), $"r2m-embedded-{Guid.NewGuid():N}.zip");
        try
        {
            using (var file = File.Create(temp)) resource.CopyTo(file);
            return catalog.LoadModel(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
