using System.Net;
using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Ledger.Storage;
using MedIoT.Mqtt;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Anchoring;

public sealed class AnchoringTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("ledger-anchoring");
    private readonly FakeGateway _gateway = new("mediot.example/ward7/gw1");
    private readonly FakeGateway _other = new("mediot.example/ward8/gw1");
    private TestLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        TestLedger.WriteRegistry(_folder.Path, [_gateway, _other]);
        _ledger = await TestLedger.StartAsync(TestLedger.Settings(_folder.Path));
    }

    [Fact]
    public async Task Anchored_checkpoints_get_receipts_that_verify_and_the_ledger_grows_consistently()
    {
        var firstNote = _gateway.Grow(3);
        var first = await _ledger.AnchorAsync(_gateway, firstNote);
        Assert.Equal(0, first.Index);
        var (_, firstLedgerNote) = await _ledger.GetAsync("checkpoint");
        var secondNote = _other.Grow(1);
        await _ledger.AnchorAsync(_other, secondNote);
        var thirdNote = _gateway.Grow(5);
        var third = await _ledger.AnchorAsync(_gateway, thirdNote);
        Assert.Equal(2, third.Index);

        var (status, anchored) = await _ledger.GetAsync("anchored?origin=mediot.example/ward7/gw1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("8\n", anchored);

        // GET /receipt gives a fresh receipt for an older anchor against the latest checkpoint.
        var (receiptStatus, receiptText) = await _ledger.GetAsync("receipt?origin=mediot.example/ward7/gw1&size=3");
        Assert.Equal(HttpStatusCode.OK, receiptStatus);
        Assert.True(LedgerReceipt.TryParse(receiptText, out var fresh));
        Assert.True(Checkpoint.TryOpen(fresh.LedgerCheckpoint, [_ledger.VerifierKey], "mediot.example/ledger", out var latest, out _));
        Assert.Equal(3, latest.Size);
        Assert.Equal(ReceiptFailure.None, fresh.Verify(firstNote, [_ledger.VerifierKey], null, [], 0));
        Assert.Equal(HttpStatusCode.NotFound, (await _ledger.GetAsync("receipt?origin=mediot.example/ward7/gw1&size=4")).Status);

        // The ledger's own checkpoints are consistent: both are roots of one tree of the three anchored notes.
        Assert.True(Checkpoint.TryOpen(firstLedgerNote, [_ledger.VerifierKey], null, out var earlier, out _));
        Assert.Equal(1, earlier.Size);
        using var replica = TemporaryDirectory.Create("ledger-replica");
        using var replicaLog = MerkleLog.Open(replica.Path);
        replicaLog.AppendBatch([LedgerReceipt.LeafFor(firstNote), LedgerReceipt.LeafFor(secondNote), LedgerReceipt.LeafFor(thirdNote)]);
        Assert.Equal(replicaLog.GetRootHash(1), earlier.RootHash.ToArray());
        Assert.Equal(replicaLog.GetRootHash(3), latest.RootHash.ToArray());
    }

    [Fact]
    public async Task Resubmitting_the_anchored_checkpoint_returns_its_receipt_again()
    {
        var note = _gateway.Grow(2);
        var receipt = await _ledger.AnchorAsync(_gateway, note);
        var (status, body, _) = await _ledger.PostAsync(_gateway.RequestFor(note, oldSize: 0));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(LedgerReceipt.TryParse(body, out var again));
        Assert.Equal(receipt.Index, again.Index);
        Assert.Equal(ReceiptFailure.None, again.Verify(note, [_ledger.VerifierKey], "mediot.example/ledger", [], 0));
        var (_, health) = await _ledger.GetAsync("health");
        Assert.Equal(1, JsonDocument.Parse(health).RootElement.GetProperty("anchored").GetInt64());
    }

    [Fact]
    public async Task A_gateway_that_rewrites_its_history_is_refused_and_detected()
    {
        // The shipped access control with the ledger's and the IT desk's accounts as shipped (configs/mosquitto/mediot.acl).
        await using var broker = await MosquittoServer.StartAsync(access: MosquittoAccess.Shipped);
        var ledger = await RestartWithAlarmAsync(broker);
        const string StationPassword = "it-desk-password";
        await broker.AddAccountAsync("mediot-station", StationPassword);
        await using var subscriber = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System, Host = broker.Host, Port = broker.Port, ClientId = "it-desk", Username = "mediot-station", Password = StationPassword,
        });
        await subscriber.ConnectAsync(CancellationToken.None);
        await subscriber.SubscribeAsync([new MqttTopicFilter("mediot/v1/it/ledger", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);

        var honest = _gateway.Grow(4);
        await ledger.AnchorAsync(_gateway, honest);

        // The compromised gateway rewrites entry 2 and signs a checkpoint of the same size: 409, evidence.
        using var forger = new FakeGateway(_gateway.Origin, key: null);
        var rewritten = RewrittenHistory(4);
        var sameSize = _gateway.Sign(4, rewritten.Log.GetRootHash(4));
        var (status, body, contentType) = await ledger.PostAsync(new AddCheckpointRequest(4, [], sameSize).Format());
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("text/plain", contentType);
        Assert.StartsWith("fork: ", body, StringComparison.Ordinal);

        // It grows the rewritten log and claims consistency with the anchored checkpoint: the proof fails, 422, evidence.
        rewritten.Log.AppendBatch([new byte[] { 9 }, new byte[] { 10 }]);
        var larger = _gateway.Sign(6, rewritten.Log.GetRootHash(6));
        (status, _, _) = await ledger.PostAsync(new AddCheckpointRequest(4, rewritten.Log.GetConsistencyProof(4, 6), larger).Format());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);

        // Nothing of the fork entered the ledger; the honest history still anchors.
        Assert.Equal("4\n", (await ledger.GetAsync("anchored?origin=mediot.example/ward7/gw1")).Body);
        await ledger.AnchorAsync(_gateway, _gateway.Grow(1));

        var (_, evidenceJson) = await ledger.GetAsync("evidence");
        var evidence = JsonDocument.Parse(evidenceJson).RootElement;
        Assert.Equal(2, evidence.GetArrayLength());
        Assert.Equal("InconsistentProof", evidence[0].GetProperty("reason").GetString());
        Assert.Equal("SameSizeDifferentRoot", evidence[1].GetProperty("reason").GetString());
        Assert.Equal(honest, evidence[1].GetProperty("conflictingNote").GetString());
        Assert.EndsWith(sameSize, evidence[1].GetProperty("refusedRequest").GetString(), StringComparison.Ordinal);

        var (_, health) = await ledger.GetAsync("health");
        Assert.Equal(2, JsonDocument.Parse(health).RootElement.GetProperty("forks").GetInt64());

        // Both forks reach the hospital IT channel.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var alarms = new List<JsonElement>();
        while (alarms.Count < 2)
        {
            var message = await subscriber.Messages.ReadAsync(timeout.Token);
            alarms.Add(JsonDocument.Parse(message.Payload).RootElement.Clone());
        }

        Assert.All(alarms, a => Assert.Equal("ledger-fork", a.GetProperty("kind").GetString()));
        Assert.All(alarms, a => Assert.Equal(_gateway.Origin, a.GetProperty("origin").GetString()));
        Assert.Contains(alarms, a => a.GetProperty("reason").GetString() == "InconsistentProof" && a.GetProperty("refusedSize").GetInt64() == 6);

        FakeGateway RewrittenHistory(int size)
        {
            for (var i = 0; i < size; i++)
            {
                forger.Log.AppendBatch([i == 2 ? "forged"u8.ToArray() : _gateway.Log.ReadEntry(i)]);
            }

            return forger;
        }
    }

    [Fact]
    public async Task Bad_submissions_are_refused_with_counted_reasons_and_the_ledger_keeps_serving()
    {
        var stranger = new FakeGateway("mediot.example/unknown/gw9");
        using (stranger)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _ledger.PostAsync(stranger.RequestFor(stranger.Grow(1)))).Status);
        }

        // Signed by another key under a registered origin.
        using (var impostor = new FakeGateway(_gateway.Origin))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await _ledger.PostAsync(impostor.RequestFor(impostor.Grow(1)))).Status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await _ledger.PostAsync("old 0\n\nnot a note")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _ledger.PostAsync("garbage")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _ledger.PostAsync(_gateway.RequestFor(_gateway.Grow(1), oldSize: 5))).Status);
        var tooLarge = await _ledger.PostAsync(new string('x', 200_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);

        // A stale old size: 409 with the anchored size, and the gateway can retry from it.
        await _ledger.AnchorAsync(_gateway, _gateway.Grow(1));
        var note = _gateway.Grow(1);
        var (status, body, contentType) = await _ledger.PostAsync(_gateway.RequestFor(note, oldSize: 1));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("text/x.tlog.size", contentType);
        Assert.Equal("2\n", body);
        await _ledger.AnchorAsync(_gateway, note);

        Assert.Equal(HttpStatusCode.BadRequest, (await _ledger.GetAsync("receipt?origin=x&size=01")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _ledger.GetAsync("anchored?origin=nobody")).Status);
        var rejections = JsonDocument.Parse((await _ledger.GetAsync("health")).Body).RootElement.GetProperty("rejections");
        Assert.Equal(2, rejections.GetProperty("unknown-origin").GetInt64());
        Assert.Equal(1, rejections.GetProperty("bad-signature").GetInt64());
        Assert.Equal(3, rejections.GetProperty("malformed").GetInt64());
        Assert.Equal(1, rejections.GetProperty("old-size-mismatch").GetInt64());
        Assert.True(rejections.GetProperty("body-unreadable").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_registered_gateways_key_cannot_anchor_a_checkpoint_of_another_origin()
    {
        // _other's key signs, under its own name, checkpoints whose origin is _gateway's (registered) or a stranger's.
        _other.Grow(2);
        var root = _other.Log.GetRootHash(2);
        foreach (var origin in new[] { _gateway.Origin, "mediot.example/unknown/gw9" })
        {
            var (status, body, _) = await _ledger.PostAsync(new AddCheckpointRequest(0, [], _other.SignForOrigin(origin, 2, root)).Format());
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("the checkpoint's origin is not the name of the registered gateway key that signed it\n", body);
        }

        var health = JsonDocument.Parse((await _ledger.GetAsync("health")).Body).RootElement;
        Assert.Equal(0, health.GetProperty("anchored").GetInt64());
        var rejections = health.GetProperty("rejections");
        Assert.Equal(2, rejections.GetProperty("wrong-origin").GetInt64());
        Assert.False(rejections.TryGetProperty("bad-signature", out _));
        Assert.False(rejections.TryGetProperty("unknown-origin", out _));
        Assert.Equal("0\n", (await _ledger.GetAsync("anchored?origin=" + Uri.EscapeDataString(_gateway.Origin))).Body);

        // Both gateways still anchor their own checkpoints.
        await _ledger.AnchorAsync(_gateway, _gateway.Grow(1));
        await _ledger.AnchorAsync(_other, _other.Grow(1));
        Assert.Equal("3\n", (await _ledger.GetAsync("anchored?origin=" + Uri.EscapeDataString(_other.Origin))).Body);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        _gateway.Dispose();
        _other.Dispose();
        _folder.Dispose();
    }

    private async Task<TestLedger> RestartWithAlarmAsync(MosquittoServer broker)
    {
        await _ledger.DisposeAsync();
        var settings = TestLedger.Settings(_folder.Path);
        await TestLedger.UseAlarmBrokerAsync(settings, _folder.Path, broker);
        _ledger = await TestLedger.StartAsync(settings);
        return _ledger;
    }
}
