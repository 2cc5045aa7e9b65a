using R2M.MLNet.IO;
using System.Buffers.Binary;
using System.Text;
using R2M.MLNet;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>safetensors headers with hostile integers: refused with the file and the tensor named, nothing allocated.</summary>
public class HostileSafetensorsTests
{
    private static string Write(TempDir dir, string header, int dataBytes, ulong? declaredLength = null)
    {
        string path = dir.File("model.safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static TheoryData<string, int, string> Cases => new()
    {
        { """{"w":{"dtype":"F32","shape":[3074457345618258603,3],"data_offsets":[0,8]}}""", 8, "entry 'w' has shape [3074457345618258603, 3], more elements than a 64-bit count holds" },
        { """{"w":{"dtype":"F32","shape":[null],"data_offsets":[0,4]}}""", 4, "entry 'w' has shape[0] = null, not a non-negative integer" },
        { """{"w":{"dtype":"F32","shape":[-1,-1],"data_offsets":[0,4]}}""", 4, "entry 'w' has shape[0] = -1, not a non-negative integer" },
        { """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "entry 'b' has bytes [4, 12) that overlap" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 12, "8 trailing bytes after the last tensor belong to no tensor" },
        { """{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "entry 'a' starts at byte 4, and bytes [0, 4) before it belong to no tensor" },
        { """{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}""", 4, "entry 'a' has a shape of 9 numbers, more than 8" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Hostile_header_is_refused_naming_the_file_and_the_tensor(string header, int dataBytes, string expected)
    {
        using var dir = new TempDir();
        string path = Write(dir, header, dataBytes);

        Action read = () => Safetensors.Load(path);

        read.Should().Throw<R2MModelFormatException>().Which.Message.Should().StartWith($"{path}: invalid safetensors file: ").And.Contain(expected);
    }

    [Fact]
    public void Header_length_of_two_to_the_63_is_refused_before_allocating()
    {
        using var dir = new TempDir();
        string path = Write(dir, "{}", 0, declaredLength: 1UL << 63);

        Action read = () => Safetensors.ReadHeader(path);

        read.Should().Throw<R2MModelFormatException>().WithMessage("*header length 9223372036854775808 does not fit in the file*");
    }
}
