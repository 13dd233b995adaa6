using System.Globalization;
using System.Text;

namespace MedIoT.Ledger.CrashWorker;

/// <summary>The entries the worker appends: a pure function of the leaf index, so the test can check every byte.</summary>
public static class CrashEntries
{
    /// <summary>The origin (and key name) of the crash test's checkpoints.</summary>
    public const string Origin = "mediot.test/crash-worker";

    /// <summary>The bytes of entry <paramref name="index"/>: a text prefix and a length that varies with the index.</summary>
    public static byte[] For(long index)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"crash-entry-{index}:");
        var bytes = new byte[text.Length + (int)(index % 97)];
        Encoding.ASCII.GetBytes(text, bytes);
        for (var i = text.Length; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((index * 31) + i);
        }

        return bytes;
    }
}
