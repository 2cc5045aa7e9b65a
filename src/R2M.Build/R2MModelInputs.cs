namespace R2M.Build.Tasks;

/// <summary>
/// Whether a trained model zip is up to date: it exists, and so does the dependency file the tool wrote next to it
/// (the configuration first, then every data file and base-model file the run read), and none of those inputs,
/// nor the tool itself, is newer than the zip. Anything missing means "train".
/// </summary>
internal static class R2MModelInputs
{
    /// <summary>Null when up to date, otherwise why the model must be trained.</summary>
    public static string? WhyStale(string zip, string dependencyFile, string config, IEnumerable<string> alsoInputs)
    {
        var output = new FileInfo(zip);
        if (!output.Exists) return $"{zip} does not exist";
        if (!File.Exists(dependencyFile)) return $"{dependencyFile} does not exist";
        string[] inputs = File.ReadAllLines(dependencyFile).Where(l => l.Length > 0).ToArray();
        if (inputs.Length == 0 || !string.Equals(Path.GetFullPath(inputs[0]), Path.GetFullPath(config), StringComparison.Ordinal))
            return $"the model was trained from another configuration than {config}";
        foreach (string input in inputs.Concat(alsoInputs))
        {
            var file = new FileInfo(input);
            if (!file.Exists) return $"{input} does not exist";
            if (file.LastWriteTimeUtc > output.LastWriteTimeUtc) return $"{input} changed";
        }
        return null;
    }
}
