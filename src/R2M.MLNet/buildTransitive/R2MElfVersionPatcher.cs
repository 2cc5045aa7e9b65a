// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).
//
// Why: libLibTorchSharp.so 0.107.0 requires GLIBCXX_3.4.32, which Debian 12's libstdc++ (3.4.30)
// lacks. Only std::ios_base_library_init carries that version and nothing calls it, so a weak
// requirement lets the dynamic loader accept the library. The file is compiled twice: by MSBuild's
// RoslynCodeTaskFactory (the build task below) and by the test project (the patcher alone).
//
// Layout read here (ELF64, little-endian, from the System V gABI and the LSB "Symbol Versioning"):
//   ELF header: e_shoff @0x28 (u64), e_shentsize @0x3A (u16), e_shnum @0x3C (u16)
//   section header (64 bytes): sh_type @4 (u32), sh_offset @0x18 (u64), sh_size @0x20 (u64),
//                              sh_link @0x28 (u32), sh_info @0x2C (u32: number of verneed entries)
//   Elf64_Verneed (16 bytes): vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
//   Elf64_Vernaux (16 bytes): vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
using System;
using System.IO;
using System.Text;

namespace R2M.Build
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkWeak"/> found or did.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The file is not a little-endian ELF64 file; left unchanged.</summary>
        NotElf,
        /// <summary>The file has no requirement on that version; left unchanged.</summary>
        NotRequired,
        /// <summary>The requirement was already weak; left unchanged.</summary>
        AlreadyWeak,
        /// <summary>The requirement was strong and is now weak.</summary>
        Patched,
    }

    /// <summary>Reads and edits the version-needs section (.gnu.version_r) of an ELF64 file.</summary>
    public static class ElfVersionPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>
        /// Offset of the vna_flags field of the Vernaux entry naming <paramref name="versionName"/>,
        /// or -1 when the image has no such requirement. Throws <see cref="InvalidDataException"/>
        /// when the image is a truncated or inconsistent ELF64 file.
        /// </summary>
        public static long FindRequirementFlagsOffset(byte[] image, string versionName)
        {
            if (!IsElf64LittleEndian(image)) return -1;
            long shoff = (long)ReadU64(image, 0x28);
            int shentsize = ReadU16(image, 0x3A);
            int shnum = ReadU16(image, 0x3C);
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                Require(image, sh, 64, "section header " + s);
                if (ReadU32(image, sh + 4) != ShtGnuVerneed) continue;
                long offset = (long)ReadU64(image, sh + 0x18);
                uint link = ReadU32(image, sh + 0x28);
                uint count = ReadU32(image, sh + 0x2C);
                long strsh = shoff + (long)link * shentsize;
                Require(image, strsh, 64, "string-table section header " + link);
                long strtab = (long)ReadU64(image, strsh + 0x18);
                long need = offset;
                for (uint n = 0; n < count; n++)
                {
                    Require(image, need, 16, "Verneed entry " + n);
                    int auxCount = ReadU16(image, need + 2);
                    long aux = need + ReadU32(image, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        Require(image, aux, 16, "Vernaux entry " + a);
                        string name = ReadCString(image, strtab + ReadU32(image, aux + 8));
                        if (name == versionName) return aux + 4;
                        aux += ReadU32(image, aux + 12);
                    }
                    need += ReadU32(image, need + 12);
                }
            }
            return -1;
        }

        /// <summary>Whether the file at <paramref name="path"/> holds a strong requirement on the version.</summary>
        public static bool HasStrongRequirement(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            long at = FindRequirementFlagsOffset(image, versionName);
            return at >= 0 && (ReadU16(image, at) & VerFlagWeak) == 0;
        }

        /// <summary>
        /// Marks the requirement on <paramref name="versionName"/> weak. Idempotent. The new content is
        /// written to a temporary file beside the original and moved over it, so a hard link to the
        /// file (a package cache, say) is never modified and a failure leaves the original intact.
        /// </summary>
        public static ElfPatchOutcome MarkWeak(string path, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            if (!IsElf64LittleEndian(image)) return ElfPatchOutcome.NotElf;
            long at = FindRequirementFlagsOffset(image, versionName);
            if (at < 0) return ElfPatchOutcome.NotRequired;
            ushort flags = ReadU16(image, at);
            if ((flags & VerFlagWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            flags |= VerFlagWeak;
            image[at] = (byte)flags;
            image[at + 1] = (byte)(flags >> 8);

            string temp = path + ".r2m-tmp";
            File.Copy(path, temp, true); // keeps the file mode (the executable bit) of the original
            try
            {
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
                {
                    stream.Write(image, 0, image.Length);
                }
                File.Delete(path);
                File.Move(temp, path);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return ElfPatchOutcome.Patched;
        }

        private static bool IsElf64LittleEndian(byte[] b) =>
            b.Length >= 0x40 && b[0] == 0x7F && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F'
            && b[4] == 2 /* ELFCLASS64 */ && b[5] == 1 /* ELFDATA2LSB */;

        private static void Require(byte[] b, long offset, int length, string what)
        {
            if (offset < 0 || offset + length > b.Length)
                throw new InvalidDataException($"ELF file is truncated or inconsistent: {what} at offset {offset} lies outside the file ({b.Length} bytes).");
        }

        private static ushort ReadU16(byte[] b, long o) { Require(b, o, 2, "u16"); return (ushort)(b[o] | b[o + 1] << 8); }
        private static uint ReadU32(byte[] b, long o) { Require(b, o, 4, "u32"); return (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24); }
        private static ulong ReadU64(byte[] b, long o) => ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32;

        private static string ReadCString(byte[] b, long o)
        {
            long end = o;
            while (end < b.Length && b[end] != 0) end++;
            Require(b, o, (int)(end - o) + 1, "string");
            return Encoding.ASCII.GetString(b, (int)o, (int)(end - o));
        }
    }

#if !R2M_PATCHER_ONLY
    /// <summary>MSBuild task: marks a version requirement weak in each given file that needs it.</summary>
    public class R2MMarkVersionRequirementWeak : Microsoft.Build.Utilities.Task
    {
        /// <summary>The shared libraries to inspect (copies in build or publish output).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The version name, for example GLIBCXX_3.4.32.</summary>
        [Microsoft.Build.Framework.Required]
        public string VersionName { get; set; } = "";

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                try
                {
                    ElfPatchOutcome outcome = ElfVersionPatcher.MarkWeak(path, VersionName);
                    Log.LogMessage(outcome == ElfPatchOutcome.Patched
                        ? Microsoft.Build.Framework.MessageImportance.High
                        : Microsoft.Build.Framework.MessageImportance.Low,
                        "R2M: {0}: {1} requirement {2}.", path, VersionName, outcome);
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError("R2M: could not mark {0} weak in {1}: {2}", VersionName, path, e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
