namespace R2M.MLNet.Native;

/// <summary>
/// Thrown when libtorch or TorchSharp's native bridge (libLibTorchSharp.so) cannot be loaded. The message
/// carries the dynamic loader's own words (file not found, version not found, undefined symbol), not
/// TorchSharp's generic "doesn't contain a reference to libtorch" text.
/// </summary>
public sealed class TorchNativeLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="libraryPath">The file the loader was asked to open, when one was found.</param>
    /// <param name="loaderError">The loader's error text (dlerror on Linux), when there is one.</param>
    /// <param name="inner">The exception TorchSharp raised, when it was TorchSharp that failed.</param>
    public TorchNativeLoadException(string message, string? libraryPath, string? loaderError, Exception? inner = null)
        : base(message, inner)
    {
        LibraryPath = libraryPath;
        LoaderError = loaderError;
    }

    /// <summary>The library file that failed to load, or null when none was found.</summary>
    public string? LibraryPath { get; }

    /// <summary>The dynamic loader's error text, or null.</summary>
    public string? LoaderError { get; }
}
