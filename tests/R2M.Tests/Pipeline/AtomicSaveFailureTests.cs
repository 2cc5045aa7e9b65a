using R2M.MLNet.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Microsoft.ML;
using R2M.Estimators;
using R2M.MLNet;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

/// <summary>
/// The temporary-file-and-rename path when a write fails after it has begun: the file at the target keeps
/// its bytes and no temporary file stays in the folder.
/// </summary>
public class AtomicSaveFailureTests
{
    [Fact]
    public void Atomic_write_that_throws_after_writing_bytes_leaves_the_previous_file_and_no_temp_file()
    {
        using var dir = new TempDir();
        string path = dir.File("data.bin");
        byte[] before = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(path, before);
        long tempBytesSeen = 0;

        Action write = () => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[300_000]);  // more than the 64 KiB buffer: these reach the temporary file
            stream.Flush();
            tempBytesSeen = Directory.GetFiles(dir.Path).Where(f => f != path).Sum(f => new FileInfo(f).Length);
            throw new IOException("disk full (simulated)");
        });

        write.Should().Throw<IOException>().WithMessage("disk full (simulated)");
        tempBytesSeen.Should().Be(300_000, "the failure came after writing had begun, into a temporary file beside the target");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().Equal("data.bin");
    }

    [Fact]
    public void Atomic_write_that_throws_after_writing_bytes_creates_no_file_where_there_was_none()
    {
        using var dir = new TempDir();
        string path = dir.File("new.bin");

        Action write = () => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("callback failed");
        });

        write.Should().Throw<InvalidOperationException>();
        Directory.GetFiles(dir.Path).Should().BeEmpty();
    }

    [SkippableFact]
    public void SaveModel_failing_midway_through_the_zip_on_a_file_size_limit_leaves_the_previous_zip_and_no_temp_file()
    {
        Requires.Linux();
        using var dir = new TempDir();
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 5);
        byte[] before = File.ReadAllBytes(path);
        long largestEntry;
        using (var zip = ZipFile.OpenRead(path)) largestEntry = zip.Entries.Max(e => e.Length);
        // Saving writes each entry (≤ largestEntry bytes) to its own temporary file first, then the zip (as
        // large as the saved one) to a temporary file beside the target. A file size limit between the two
        // lets the entry files through and stops the zip partway, like a disk that fills up.
        (before.Length - largestEntry).Should().BeGreaterThan(16 << 10, "the tiny zip must be larger than any one entry for this test to work");
        ulong limit = (ulong)(largestEntry + before.Length) / 2;
        var ml = new MLContext();
        using var model = ml.R2M().LoadModel(path);

        Exception? error = null;
        using (FileSizeLimit.Set(limit))
        {
            try { ml.R2M().SaveModel(model.Model, path); }
            catch (Exception e) { error = e; }
        }

        // .NET reports EFBIG as ArgumentOutOfRangeException "Specified file length was too large for the file system".
        error.Should().NotBeNull("the write past {0} bytes fails with EFBIG", limit);
        error!.Message.Should().Contain("too large", error.ToString());
        // Called by R2MModelArchive.Save itself (not through Safetensors.Save): the zip's temporary file was being written.
        var frames = error.StackTrace!.Split('\n').Select(f => f.Trim()).ToList();
        int atomic = frames.FindIndex(f => f.StartsWith("at R2M.MLNet.IO.AtomicFile.Write(", StringComparison.Ordinal));
        atomic.Should().BeGreaterThanOrEqualTo(0, error.ToString());
        frames[atomic + 1].Should().StartWith("at R2M.MLNet.Persistence.R2MModelArchive.Save(");
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().Equal("model.zip");
    }

    /// <summary>RLIMIT_FSIZE for this process, with SIGXFSZ ignored so an oversized write fails with EFBIG instead of killing it.</summary>
    private sealed class FileSizeLimit : IDisposable
    {
        private const int RlimitFsize = 1;   // Linux
        private const int Sigxfsz = 25;      // Linux x86-64 and arm64
        private static readonly IntPtr SigIgn = 1;

        private readonly RLimit _previous;
        private readonly IntPtr _previousHandler;

        private FileSizeLimit(RLimit previous, IntPtr previousHandler)
        {
            _previous = previous;
            _previousHandler = previousHandler;
        }

        public static FileSizeLimit Set(ulong bytes)
        {
            if (getrlimit(RlimitFsize, out var previous) != 0) throw new InvalidOperationException($"getrlimit failed: {Marshal.GetLastPInvokeError()}");
            IntPtr handler = signal(Sigxfsz, SigIgn);
            var limited = new RLimit { Current = bytes, Max = previous.Max };
            if (setrlimit(RlimitFsize, ref limited) != 0)
            {
                signal(Sigxfsz, handler);
                throw new InvalidOperationException($"setrlimit failed: {Marshal.GetLastPInvokeError()}");
            }
            return new FileSizeLimit(previous, handler);
        }

        public void Dispose()
        {
            var previous = _previous;
            setrlimit(RlimitFsize, ref previous).Should().Be(0, "the file size limit must be lifted again");
            signal(Sigxfsz, _previousHandler);
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct RLimit
        {
            public ulong Current;
            public ulong Max;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int getrlimit(int resource, out RLimit limit);

        [DllImport("libc", SetLastError = true)]
        private static extern int setrlimit(int resource, ref RLimit limit);

        [DllImport("libc")]
        private static extern IntPtr signal(int signum, IntPtr handler);
    }
}
