using System.Runtime.InteropServices;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// glibc's malloc controls: <c>mallopt(3)</c> and <c>malloc_trim(3)</c>. Each call reports false where the C library is
/// not glibc (the function does not exist), so the gateway runs unchanged elsewhere.
/// </summary>
internal static partial class NativeHeap
{
    // <malloc.h>: #define M_ARENA_MAX -8
    private const int ArenaMaximumParameter = -8;

    /// <summary>Limits the number of malloc arenas created from now on (mallopt returns 1 on success).</summary>
    public static bool TryLimitArenas(int arenas)
    {
        try
        {
            return MallocOption(ArenaMaximumParameter, arenas) == 1;
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Returns free memory of every arena to the system (glibc 2.8 and later release whole free pages anywhere in a heap,
    /// not only at its top). False when malloc_trim is not available.
    /// </summary>
    public static bool TryTrim()
    {
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallocOption(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
