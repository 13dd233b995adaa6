using System.IO.Compression;
using System.Text;
using MedIoT.Gateway.Storage.Influx;

namespace MedIoT.Gateway.Tests.Storage.Influx;

public sealed class InfluxCompressionTests
{
    [Fact]
    public void A_body_compressed_into_the_reused_stream_holds_exactly_that_body()
    {
        using var reused = new MemoryStream();
        var large = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"vitals,device=d{i % 7} value={i} {i}\n")));
        var small = Encoding.ASCII.GetBytes("vitals,device=d1 value=1 1\n");

        var first = InfluxWriteClient.Compress(large, reused);
        Assert.Equal(large, Decompress(first));

        // A smaller body after a larger one: nothing of the first may remain.
        var second = InfluxWriteClient.Compress(small, reused);
        Assert.Equal(small, Decompress(second));
    }

    private static byte[] Decompress(ReadOnlyMemory<byte> gzip)
    {
        using var input = new MemoryStream(gzip.ToArray());
        using var unzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        unzip.CopyTo(output);
        return output.ToArray();
    }
}
