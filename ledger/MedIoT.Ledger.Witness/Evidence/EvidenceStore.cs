using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Witness.State;

namespace MedIoT.Ledger.Witness.Evidence;

/// <summary>
/// Keeps refused, validly signed, inconsistent checkpoints as evidence of log misbehaviour (C2SP tlog-witness: the
/// witness "MAY log the request even if the consistency proof doesn't verify ... as it might be proof of log
/// misbehavior"). One JSON file per distinct request, named <c>&lt;UTC time&gt;-&lt;16 hex of SHA-256(body)&gt;.json</c>,
/// written durably before the refusal is answered. The count is bounded by Witness:MaximumEvidenceFiles and each
/// file by the request limit, so a log cannot fill the disk; once full, new evidence is counted and logged, not kept,
/// and the first proofs are never replaced.
/// </summary>
internal sealed class EvidenceStore
{
    private const string Extension = ".json";
    private readonly Lock _gate = new();
    private readonly int _maximumFiles;
    private readonly TimeProvider _timeProvider;
    private int _fileCount;

    /// <summary>Opens (creating with mode 0700) the evidence folder and counts what it holds.</summary>
    public EvidenceStore(string folder, int maximumFiles, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumFiles, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Folder = Path.GetFullPath(folder);
        if (!Directory.Exists(Folder))
        {
            Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _maximumFiles = maximumFiles;
        _timeProvider = timeProvider;
        _fileCount = Directory.EnumerateFiles(Folder, "*" + Extension).Count();
    }

    /// <summary>The evidence folder.</summary>
    public string Folder { get; }

    /// <summary>The number of evidence files in the folder.</summary>
    public int FileCount
    {
        get
        {
            lock (_gate)
            {
                return _fileCount;
            }
        }
    }

    /// <summary>
    /// Keeps the refused request with the reason and the conflicting cosigned checkpoint. Returns the file's path
    /// (an existing one when the same body was kept before), or <see langword="null"/> when the folder is full.
    /// </summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public string? TryKeep(string origin, string reason, string requestBody, CosignedCheckpoint cosigned)
    {
        ArgumentNullException.ThrowIfNull(requestBody);
        ArgumentNullException.ThrowIfNull(cosigned);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestBody));
        var suffix = "-" + Convert.ToHexStringLower(hash.AsSpan(0, 8)) + Extension;
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var existing = Directory.EnumerateFiles(Folder, "*" + suffix).FirstOrDefault();
            if (existing is not null)
            {
                return existing;
            }

            if (_fileCount >= _maximumFiles)
            {
                return null;
            }

            var path = Path.Combine(Folder, now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + suffix);
            DurableFolder.ReplaceFile(path, Format(origin, reason, requestBody, cosigned, now));
            _fileCount++;
            return path;
        }
    }

    private static byte[] Format(string origin, string reason, string requestBody, CosignedCheckpoint cosigned, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "mediot-witness-evidence v1");
            writer.WriteString("time", now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("origin", origin);
            writer.WriteString("reason", reason);
            writer.WriteNumber("cosignedSize", cosigned.Size);
            writer.WriteString("cosignedRootHash", Convert.ToBase64String(cosigned.RootHash));
            if (cosigned.SignedNote is null)
            {
                writer.WriteNull("cosignedCheckpoint");
            }
            else
            {
                writer.WriteString("cosignedCheckpoint", cosigned.SignedNote);
            }

            writer.WriteString("request", requestBody);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
