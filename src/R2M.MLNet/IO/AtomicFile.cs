namespace R2M.MLNet.IO;

/// <summary>
/// Writes files so that a reader never sees half of one: the content goes to a temporary file in the same
/// folder, which is then moved over the target. A failure leaves the previous file (or none) in place.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes text atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes through <paramref name="fill"/> into a temporary file, then moves it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> fill)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string prefix = $".{Path.GetFileName(full)}.";
        StaleTemp.Sweep(dir, prefix, ".tmp"); // what a killed writer left beside the target
        string temp = Path.Combine(dir, StaleTemp.Name(prefix, ".tmp"));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                fill(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
