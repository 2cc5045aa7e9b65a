using System.Runtime.InteropServices;

namespace R2M.MLNet.Native;

/// <summary>
/// Opens a shared library with the platform loader and returns the loader's own error text on failure.
/// On Linux this calls dlopen/dlerror directly, because <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>
/// discards the reason.
/// </summary>
public static class NativeLibraryProbe
{
    private const int RtldNow = 0x2;
    private const int RtldGlobal = 0x100;

    /// <summary>
    /// Tries to load <paramref name="path"/> with every symbol and version resolved now (RTLD_NOW), so that
    /// a missing dependency, a missing symbol version or an undefined symbol shows here, with its cause.
    /// </summary>
    /// <param name="path">Full path of the shared library.</param>
    /// <param name="error">The loader's error text when loading failed; otherwise null.</param>
    /// <returns>True when the library is loaded (it stays loaded).</returns>
    public static bool TryLoad(string path, out string? error)
    {
        if (OperatingSystem.IsLinux())
        {
            return TryDlOpen(path, out error);
        }
        try
        {
            NativeLibrary.Load(path);
            error = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            error = e.Message;
            return false;
        }
    }

    // Both entry points are resolved before dlopen runs: binding dlerror lazily would call dlsym, which
    // clears the thread's pending error text.
    private static readonly Lazy<(IntPtr Open, IntPtr Error)> Dl = new(() =>
    {
        IntPtr libc = NativeLibrary.Load("libc.so.6");
        return (NativeLibrary.GetExport(libc, "dlopen"), NativeLibrary.GetExport(libc, "dlerror"));
    });

    private static unsafe bool TryDlOpen(string path, out string? error)
    {
        var (open, dlerror) = Dl.Value;
        byte[] name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        IntPtr handle, text;
        fixed (byte* p = name)
        {
            handle = ((delegate* unmanaged<byte*, int, IntPtr>)open)(p, RtldNow | RtldGlobal);
            text = handle == IntPtr.Zero ? ((delegate* unmanaged<IntPtr>)dlerror)() : IntPtr.Zero;
        }
        if (handle != IntPtr.Zero)
        {
            error = null;
            return true;
        }
        error = text == IntPtr.Zero ? "dlopen failed without an error text" : Marshal.PtrToStringUTF8(text);
        return false;
    }
}
