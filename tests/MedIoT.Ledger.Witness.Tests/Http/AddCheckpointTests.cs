using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.State;
using MedIoT.Ledger.Witness.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Ledger.Witness.Tests.Http;

/// <summary>
/// The C2SP tlog-witness add-checkpoint rules, each against the real host over loopback HTTP with checkpoints and proofs
/// from a real <c>MerkleLog</c>.
/// </summary>
public sealed class AddCheckpointTests : IDisposable
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("witness");
    private readonly TestLog _log;

    public AddCheckpointTests() => _log = TestLog.Create(_folder.Combine("log"), 300);

    [Fact]
    public async Task First_checkpoint_with_old_size_zero_is_cosigned_at_the_clock_time_and_persisted_before_the_answer()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        await using var witness = await InProcessWitness.StartAsync(Settings(), clock);

        var reply = await witness.PostAsync(_log.Request(0, 10));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var timestamp = Cosigned.AssertVerifies(_log.SignedCheckpoint(10), reply.Body, witness.VerifierKey);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        var stateFile = Path.Combine(witness.Options.StateFolder, CosignedStateStore.FileName(_log.Origin));
        Assert.Equal(_log.SignedCheckpoint(10), await File.ReadAllTextAsync(stateFile));
        Assert.Equal(1, witness.Server.Metrics.Cosigned);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_sequence_of_consistent_checkpoints_from_a_real_log_is_cosigned_in_turn()
    {
        await using var witness = await InProcessWitness.StartAsync(Settings());
        long old = 0;
        foreach (var size in new long[] { 1, 2, 3, 4, 7, 8, 9, 64, 100, 100, 129, 255, 256, 257, 300 })
        {
            var reply = await witness.PostAsync(_log.Request(old, size));
            Assert.True(reply.Status == HttpStatusCode.OK, $"{old} -> {size}: {reply.Status} {reply.Body}");
            Cosigned.AssertVerifies(_log.SignedCheckpoint(size), reply.Body, witness.VerifierKey);
            Assert.Equal(size, witness.Server.Witness.State.Latest(_log.Origin).Size);
            old = size;
        }

        Assert.Equal(15, witness.Server.Metrics.Cosigned);
        Assert.Empty(witness.Server.Metrics.Rejections);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Stale_old_size_gets_409_with_the_latest_cosigned_size_and_the_client_retries_from_it()
    {
        await using var witness = await InProcessWitness.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 50))).Status);

        // A client that knows nothing asks with old 0 (tlog-witness allows it to learn the size this way).
        var conflict = await witness.PostAsync(_log.Request(0, 80));
        Assert.Equal(50, conflict.ConflictSize());
        Assert.Equal("50\n", conflict.Body);

        // A client with an older view (40) is told the same.
        Assert.Equal(50, (await witness.PostAsync(_log.Request(40, 80))).ConflictSize());

        var retry = await witness.PostAsync(_log.Request(conflict.ConflictSize(), 80));
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Cosigned.AssertVerifies(_log.SignedCheckpoint(80), retry.Body, witness.VerifierKey);
        Assert.Equal(2, witness.Server.Metrics.Rejections[WitnessRejection.StaleOldSize]);

        // Resubmitting the latest checkpoint (old = size, same root, empty proof) is cosigned again and changes nothing.
        var again = await witness.PostAsync(_log.Request(80, 80));
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Cosigned.AssertVerifies(_log.SignedCheckpoint(80), again.Body, witness.VerifierKey);
        Assert.Equal(80, witness.Server.Witness.State.Latest(_log.Origin).Size);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Same_size_with_a_different_root_is_409_and_kept_as_evidence()
    {
        using var fork = TestLog.Create(_folder.Combine("fork"), 120, TestLog.CopyKey(_log.Key), forkFrom: 70);
        await using var witness = await InProcessWitness.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 120))).Status);

        var body = new AddCheckpointRequest(120, [], fork.SignedCheckpoint(120)).Format();
        var reply = await witness.PostAsync(body);

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("text/plain", reply.ContentType);
        Assert.Equal(1, witness.Server.Metrics.Rejections[WitnessRejection.SameSizeDifferentRoot]);
        AssertEvidence(witness, "same_size_different_root", body, cosignedSize: 120);
        Assert.Equal(_log.Root(120), witness.Server.Witness.State.Latest(_log.Origin).RootHash);
        Assert.Contains(witness.Logs.GetSnapshot(), e => e.Id.Id == WitnessLogEvents.Inconsistent);
        witness.Logs.AssertNoErrors(WitnessLogEvents.Inconsistent);
    }

    [Fact]
    public async Task Inconsistent_proof_is_422_the_validly_signed_request_is_kept_as_evidence_and_nothing_is_cosigned()
    {
        using var fork = TestLog.Create(_folder.Combine("fork"), 200, TestLog.CopyKey(_log.Key), forkFrom: 70);
        await using var witness = await InProcessWitness.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 100))).Status);

        // The fork's own proof from 100 to 200 is valid for the fork's tree, not for the cosigned root at 100.
        var forked = fork.Request(100, 200);
        var reply = await witness.PostAsync(forked);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reply.Status);
        AssertEvidence(witness, "inconsistent_proof", forked, cosignedSize: 100);

        // A tampered proof for the true log is refused as well.
        var proof = _log.ConsistencyProof(100, 200);
        proof[1] = (byte[])proof[1].Clone();
        proof[1][0] ^= 1;
        var tampered = new AddCheckpointRequest(100, proof, _log.SignedCheckpoint(200)).Format();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await witness.PostAsync(tampered)).Status);

        // A proof of the wrong length too.
        var shortProof = new AddCheckpointRequest(100, proof[..^1], _log.SignedCheckpoint(200)).Format();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await witness.PostAsync(shortProof)).Status);

        Assert.Equal(3, witness.Server.Metrics.Rejections[WitnessRejection.InconsistentProof]);
        Assert.Equal(3, witness.Server.Evidence.FileCount);
        Assert.Equal(100, witness.Server.Witness.State.Latest(_log.Origin).Size);
        Assert.Equal(1, witness.Server.Metrics.Cosigned);
        Assert.Equal(3, witness.Logs.GetSnapshot().Count(e => e.Id.Id == WitnessLogEvents.Inconsistent));

        // The true log still moves on from what was cosigned.
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(100, 200))).Status);
        witness.Logs.AssertNoErrors(WitnessLogEvents.Inconsistent);

        // Logged without a body, a signature or a hash.
        var secrets = forked.Split('\n').Skip(1).Where(line => line.Length > 20 && line != _log.Origin).ToArray();
        Assert.NotEmpty(secrets);
        Assert.DoesNotContain(witness.Logs.GetSnapshot(), e => secrets.Any(s => e.Message.Contains(s, StringComparison.Ordinal)));
        Assert.DoesNotContain(witness.Logs.GetSnapshot(), e => e.Message.Contains('\u2014', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evidence_is_bounded_and_the_first_proofs_are_kept()
    {
        using var fork = TestLog.Create(_folder.Combine("fork"), 200, TestLog.CopyKey(_log.Key), forkFrom: 10);
        var settings = Settings();
        settings.MaximumEvidenceFiles = 2;
        await using var witness = await InProcessWitness.StartAsync(settings);
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 50))).Status);

        for (var size = 60; size < 65; size++)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await witness.PostAsync(fork.Request(50, size))).Status);
        }

        // The same request again is not a new file.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await witness.PostAsync(fork.Request(50, 60))).Status);
        var files = Directory.GetFiles(witness.Options.EvidenceFolder);
        Assert.Equal(2, files.Length);
        var kept = files.Select(f =>
        {
            using var json = JsonDocument.Parse(File.ReadAllText(f));
            return json.RootElement.GetProperty("request").GetString();
        }).ToArray();
        Assert.Contains(fork.Request(50, 60), kept);
        Assert.Contains(fork.Request(50, 61), kept);
        Assert.Equal(3, witness.Server.Metrics.EvidenceDropped);
        Assert.Equal(3, witness.Logs.GetSnapshot().Count(e => e.Id.Id == WitnessLogEvents.EvidenceFolderFull));
        witness.Logs.AssertNoErrors(WitnessLogEvents.Inconsistent, WitnessLogEvents.EvidenceFolderFull);
    }

    [Fact]
    public async Task Every_answer_is_counted_on_the_witness_meter()
    {
        var measurements = new ConcurrentQueue<(Meter Meter, string Instrument, long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MedIoT.Ledger.Witness")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            measurements.Enqueue((instrument.Meter, instrument.Name, value, reason));
        });
        listener.Start();
        await using var witness = await InProcessWitness.StartAsync(Settings());

        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 9))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await witness.PostAsync(_log.Request(0, 10))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await witness.PostAsync("old 1\n")).Status);

        // Only this witness's meter instance: other tests run their own witnesses in parallel.
        var own = measurements.Where(m => ReferenceEquals(m.Meter, witness.Server.Metrics.Meter)).ToArray();
        Assert.Equal(3, own.Length);
        Assert.Contains(own, m => m.Instrument == "mediot.witness.cosigned" && m.Value == 1);
        Assert.Contains(own, m => m.Instrument == "mediot.witness.rejected" && m.Reason == "stale_old_size");
        Assert.Contains(own, m => m.Instrument == "mediot.witness.rejected" && m.Reason == "malformed_body");
    }

    [Fact]
    public async Task Unknown_origin_is_404()
    {
        using var other = TestLog.Create(_folder.Combine("other"), 5, origin: "mediot.example/other");
        await using var witness = await InProcessWitness.StartAsync(Settings());

        var reply = await witness.PostAsync(other.Request(0, 5));

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal(1, witness.Server.Metrics.Rejections[WitnessRejection.UnknownOrigin]);
        Assert.Equal(0, witness.Server.Witness.State.Latest(_log.Origin).Size);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_checkpoint_without_a_valid_signature_by_a_trusted_key_is_403()
    {
        await using var witness = await InProcessWitness.StartAsync(Settings());

        // Signed by another key under the log's name: an unknown key, so no trusted signature.
        using var impostorKey = Ed25519PrivateKey.Generate();
        var impostor = SignedNote.Sign(_log.CheckpointText(10), _log.Origin, impostorKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await witness.PostAsync(new AddCheckpointRequest(0, [], impostor).Format())).Status);

        // The trusted key's signature over other text: a known key whose signature fails.
        var signed = _log.SignedCheckpoint(10);
        var altered = signed.Replace("\n10\n", "\n11\n", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await witness.PostAsync(new AddCheckpointRequest(0, [], altered).Format())).Status);

        Assert.Equal(2, witness.Server.Metrics.Rejections[WitnessRejection.BadSignature]);
        Assert.Equal(0, witness.Server.Metrics.Cosigned);
        Assert.Empty(Directory.GetFiles(witness.Options.EvidenceFolder));
        Assert.Equal(0, witness.Server.Witness.State.Latest(_log.Origin).Size);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_trusted_logs_key_signing_a_checkpoint_of_another_origin_is_403_wrong_origin()
    {
        using var other = TestLog.Create(_folder.Combine("other"), 5, origin: "mediot.example/ledger-b");
        await using var witness = await InProcessWitness.StartAsync(InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey, other.VerifierKey));

        // The other log's key, under its own name, signs checkpoints of _log's origin (trusted) and of an untrusted one.
        foreach (var origin in new[] { _log.Origin, "mediot.example/unknown" })
        {
            var forged = SignedNote.Sign(new Checkpoint(origin, 5, other.Root(5)).FormatBody(), other.Origin, other.Key);
            var reply = await witness.PostAsync(new AddCheckpointRequest(0, [], forged).Format());
            Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
            Assert.Equal("the checkpoint's origin is not the name of the trusted log key that signed it\n", reply.Body);
        }

        Assert.Equal(2, witness.Server.Metrics.Rejections[WitnessRejection.WrongOrigin]);
        Assert.False(witness.Server.Metrics.Rejections.ContainsKey(WitnessRejection.BadSignature));
        Assert.False(witness.Server.Metrics.Rejections.ContainsKey(WitnessRejection.UnknownOrigin));
        Assert.Equal(0, witness.Server.Metrics.Cosigned);
        Assert.Equal(0, witness.Server.Witness.State.Latest(_log.Origin).Size);

        // Each log's own checkpoints are still cosigned.
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 10))).Status);
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(other.Request(0, 5))).Status);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Malformed_bodies_and_an_old_size_above_the_checkpoint_are_400_and_counted()
    {
        await using var witness = await InProcessWitness.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 20))).Status);
        var signed = _log.SignedCheckpoint(30);
        var proofLine = Convert.ToBase64String(_log.ConsistencyProof(20, 30)[0]);
        string[] malformed =
        [
            "",
            "garbage",
            "old 20\n" + signed,                                     // no empty line before the checkpoint
            "old 020\n\n" + signed,                                  // leading zero
            "old -1\n\n" + signed,
            "new 20\n\n" + signed,
            $"old 20\n{proofLine}x\n\n" + signed,                    // not base64 of 32 bytes
            $"old 20\n{proofLine[..^4]}\n\n" + signed,
            "old 20\n\n" + signed.Replace("\u2014", "-", StringComparison.Ordinal), // not a signed note
            "old 20\n\n" + SignedNote.Sign("mediot.example/ledger\nnot a size\nroot\n", _log.Origin, _log.Key), // not a checkpoint
            "old 20\n" + string.Concat(Enumerable.Repeat(proofLine + "\n", 64)) + "\n" + signed, // more than 63 proof lines
        ];
        foreach (var body in malformed)
        {
            var reply = await witness.PostAsync(body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{reply.Status} for {body}");
        }

        Assert.Equal(malformed.Length, witness.Server.Metrics.Rejections[WitnessRejection.MalformedBody]);

        // Not UTF-8.
        using (var content = new ByteArrayContent([0x6f, 0x6c, 0x64, 0x20, 0xff, 0xfe, 0x0a, 0x0a]))
        {
            using var response = await witness.Client.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        // Old size above the checkpoint's size (tlog-witness: 400).
        Assert.Equal(HttpStatusCode.BadRequest, (await witness.PostAsync(new AddCheckpointRequest(31, [], signed).Format())).Status);
        Assert.Equal(1, witness.Server.Metrics.Rejections[WitnessRejection.OldSizeAboveCheckpoint]);

        // Proof lines with old 0 (tlog-witness: the proof MUST be empty).
        Assert.Equal(HttpStatusCode.BadRequest, (await witness.PostAsync(new AddCheckpointRequest(0, _log.ConsistencyProof(20, 30), signed).Format())).Status);
        Assert.Equal(1, witness.Server.Metrics.Rejections[WitnessRejection.ProofFromEmptyTree]);

        Assert.Equal(20, witness.Server.Witness.State.Latest(_log.Origin).Size);
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(20, 30))).Status);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Oversize_bodies_are_413_with_or_without_a_content_length()
    {
        var settings = Settings();
        settings.MaximumRequestBodyBytes = 4096;
        await using var witness = await InProcessWitness.StartAsync(settings);
        var large = "old 0\n\n" + new string('a', 5000);

        // Declared too large: refused before the body is read (with Expect: 100-continue the client never sends it).
        using (var content = new StringContent(large, Encoding.UTF8))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("add-checkpoint", UriKind.Relative)) { Content = content };
            request.Headers.ExpectContinue = true;
            using var response = await witness.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        // Found too large while reading a chunked body. The server answers 413 and closes the connection with the rest
        // unread, so the client may see the reset before the answer; the server's count is what the test checks.
        using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(large)))
        using (var chunked = new StreamContent(stream))
        {
            chunked.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("add-checkpoint", UriKind.Relative)) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            try
            {
                using var response = await witness.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // Reset by the server after its 413.
            }
        }

        Assert.Equal(2, witness.Server.Metrics.Rejections[WitnessRejection.BodyTooLarge]);

        // A body under the limit is read and judged on its content.
        var atLimit = await witness.PostAsync(_log.Request(0, 5));
        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Health_reports_the_key_the_cosigned_sizes_and_every_refusal()
    {
        await using var witness = await InProcessWitness.StartAsync(Settings());
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 42))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await witness.PostAsync(_log.Request(0, 43))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await witness.PostAsync("nonsense")).Status);

        using var health = JsonDocument.Parse(await witness.Client.GetStringAsync(new Uri("health", UriKind.Relative)));
        var root = health.RootElement;
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal(witness.VerifierKey.ToString(), root.GetProperty("verifierKey").GetString());
        Assert.Equal(42, root.GetProperty("cosignedSizes").GetProperty(_log.Origin).GetInt64());
        Assert.Equal(1, root.GetProperty("cosigned").GetInt64());
        Assert.Equal(1, root.GetProperty("rejected").GetProperty("stale_old_size").GetInt64());
        Assert.Equal(1, root.GetProperty("rejected").GetProperty("malformed_body").GetInt64());
        witness.Logs.AssertNoErrors();
    }

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }

    private WitnessOptions Settings() => InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);

    private static void AssertEvidence(InProcessWitness witness, string reason, string requestBody, long cosignedSize)
    {
        var file = Assert.Single(Directory.GetFiles(witness.Options.EvidenceFolder));
        using var evidence = JsonDocument.Parse(File.ReadAllText(file));
        var root = evidence.RootElement;
        Assert.Equal("mediot-witness-evidence v1", root.GetProperty("format").GetString());
        Assert.Equal(reason, root.GetProperty("reason").GetString());
        Assert.Equal(TestLog.DefaultOrigin, root.GetProperty("origin").GetString());
        Assert.Equal(cosignedSize, root.GetProperty("cosignedSize").GetInt64());
        Assert.Equal(requestBody, root.GetProperty("request").GetString());
        Assert.NotNull(root.GetProperty("cosignedCheckpoint").GetString());
        Assert.Equal(1, witness.Server.Metrics.EvidenceKept);
    }
}
