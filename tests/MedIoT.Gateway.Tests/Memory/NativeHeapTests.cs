using System.Globalization;
using System.Runtime.InteropServices;
using MedIoT.Gateway.Hosting;

namespace MedIoT.Gateway.Tests.Memory;

/// <summary>Gateway:Memory against the real glibc of this machine.</summary>
public sealed class NativeHeapTests
{
    private const int ChunkBytes = 64 * 1024; // below glibc's mmap threshold: served from an arena
    private const int Chunks = 512; // 32 MB
    private const int PageBytes = 4096;

    [Fact]
    public void The_arena_limit_is_accepted_by_glibc()
    {
        Assert.True(NativeHeap.TryLimitArenas(8)); // glibc's own default for this process size: harmless to the test run
    }

    [Fact]
    public void A_trim_hands_freed_native_memory_back_to_the_system()
    {
        var chunks = new IntPtr[Chunks];
        for (var i = 0; i < chunks.Length; i++)
        {
            chunks[i] = Marshal.AllocHGlobal(ChunkBytes);
            for (var offset = 0; offset < ChunkBytes; offset += PageBytes)
            {
                Marshal.WriteByte(chunks[i], offset, 1); // resident
            }
        }

        // Everything but the last chunk is freed: glibc keeps it (it is not at the top of the arena) until a trim.
        for (var i = 0; i < chunks.Length - 1; i++)
        {
            Marshal.FreeHGlobal(chunks[i]);
        }

        try
        {
            var before = ResidentBytes();
            Assert.True(NativeHeap.TryTrim());
            var after = ResidentBytes();
            Assert.True(before - after > Chunks * ChunkBytes / 2, $"resident {before / 1048576} MB before the trim, {after / 1048576} MB after");
        }
        finally
        {
            Marshal.FreeHGlobal(chunks[^1]);
        }
    }

    // /proc/self/statm: size resident shared ... in pages (proc(5)).
    private static long ResidentBytes() =>
        long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
}
