using System.IO.Pipelines;
using MedIoT.Gateway.Devices;
using MedIoT.Hosting;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;
using MedIoT.Serial;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>
/// Reads one serial port for as long as the gateway runs: opens it (retrying with backoff while it is missing),
/// decodes its protocol, verifies signed frames or attests unsigned readings, queues accepted frames for storage,
/// and turns disconnections, silences and device status changes into logged, counted <see cref="DeviceStatusEvent"/>s.
/// Serial has no acknowledgement: a reading is queued and that is all (docs/serial.md, "Durability").
/// </summary>
internal sealed class SerialPortIngestion
{
    private readonly SerialPortOptions _port;
    private readonly RegisteredDevice _device;
    private readonly SerialOptions _serial;
    private readonly int _maxFrameBytes;
    private readonly FrameVerifier _verifier;
    private readonly PushedFrameIntake _intake;
    private long? _disconnectedAt;
    private bool _unavailableLogged;
    private bool _connectedBefore;
    private readonly SerialStatistics _serialStatistics;
    private readonly DeviceStatusEvents _events;
    private readonly GatewayAttestor? _attestor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly HashSet<SerialRejectionReason> _loggedRejections = [];
    private DeviceStatus _lastStatus;

    public SerialPortIngestion(
        SerialPortOptions port, RegisteredDevice device, SerialOptions serial, int maxFrameBytes, FrameVerifier verifier, PushedFrameIntake intake,
        SerialStatistics serialStatistics, DeviceStatusEvents events, GatewayAttestor? attestor, TimeProvider timeProvider, ILogger logger)
    {
        _port = port;
        _device = device;
        _serial = serial;
        _maxFrameBytes = maxFrameBytes;
        _verifier = verifier;
        _intake = intake;
        _serialStatistics = serialStatistics;
        _events = events;
        _attestor = attestor;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // One run of the backoff pipeline per connection that carried data. A port that is missing, or that opens but
        // fails before delivering a byte (an adapter in a bad state), is tried again after a growing delay, never in a
        // tight loop; once a connection has carried data the backoff starts over.
        var reopen = Backoff.Create<bool>(
            BackoffOptions.FromMilliseconds(_serial.ReopenInitialDelayMilliseconds,
                Math.Max(_serial.ReopenInitialDelayMilliseconds, _serial.ReopenMaximumDelayMilliseconds), useJitter: true),
            _timeProvider,
            attempt => attempt.Exception is null && !attempt.Result);
        try
        {
            while (true)
            {
                await reopen.ExecuteAsync(OpenAndReadAsync, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One attempt: opens the port and reads it until the connection ends; true when it carried data.</summary>
    private async ValueTask<bool> OpenAndReadAsync(CancellationToken stoppingToken)
    {
        var port = TryOpen(out var openError);
        if (port is null)
        {
            if (!_unavailableLogged)
            {
                _unavailableLogged = true;
                Log.SerialPortUnavailable(_logger, _port.DevicePath, _device.DeviceId, openError!, _serial.ReopenMaximumDelayMilliseconds);
                if (_disconnectedAt is null)
                {
                    // Missing from the start: as much a disconnected device as one whose cable was pulled.
                    _disconnectedAt = _timeProvider.GetTimestamp();
                    RaiseDisconnected(openError!);
                }
            }

            return false;
        }

        _unavailableLogged = false;
        await using (port.ConfigureAwait(false))
        {
            Log.SerialPortOpened(_logger, _port.DevicePath, port.Settings.ToString(), _port.Protocol.ToString(), _device.DeviceId);
            if (_disconnectedAt is { } since)
            {
                _disconnectedAt = null;
                Log.SerialPortReconnected(_logger, _port.DevicePath, _device.DeviceId, _timeProvider.GetElapsedTime(since).TotalSeconds);
                _serialStatistics.RecordReconnect(_device.DeviceId);
                Publish(DeviceStatusEventKind.Reconnected, null);
            }
            else if (!_connectedBefore)
            {
                Publish(DeviceStatusEventKind.Connected, null);
            }

            _connectedBefore = true;
            var (reason, receivedBytes) = await PumpAsync(port, stoppingToken).ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
            _disconnectedAt = _timeProvider.GetTimestamp();
            Log.SerialPortDisconnected(_logger, _port.DevicePath, _device.DeviceId, reason);
            RaiseDisconnected(reason);
            return receivedBytes;
        }
    }

    private SerialPort? TryOpen(out string? error)
    {
        try
        {
            error = null;
            return SerialPort.Open(_port.DevicePath, _port.LineSettings);
        }
        catch (IOException exception)
        {
            // Missing path, adapter not ready, permissions: all retried, the message says which.
            error = exception.Message;
            return null;
        }
    }

    private void RaiseDisconnected(string reason)
    {
        _serialStatistics.RecordDisconnect(_device.DeviceId);
        Publish(DeviceStatusEventKind.Disconnected, reason);
    }

    /// <summary>Reads until the port goes away; returns why, and whether any byte arrived.</summary>
    private async Task<(string Reason, bool ReceivedBytes)> PumpAsync(SerialPort port, CancellationToken stoppingToken)
    {
        var input = port.Input;
        var decoder = new SerialFrameDecoder(_port.Protocol, _maxFrameBytes);
        var noDataTimeout = TimeSpan.FromSeconds(_port.NoDataTimeoutSeconds);
        var lastData = _timeProvider.GetTimestamp();
        var silent = false;
        var receivedBytes = false;
        var items = new List<SerialItem>();
        // The timer wakes the pending read; the read loop then decides whether the line really was silent.
        await using var noDataTimer = _timeProvider.CreateTimer(static state => ((PipeReader)state!).CancelPendingRead(), input, noDataTimeout, Timeout.InfiniteTimeSpan);
        while (true)
        {
            var result = await input.ReadAsync(stoppingToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                var quiet = _timeProvider.GetElapsedTime(lastData);
                if (quiet >= noDataTimeout && !silent)
                {
                    silent = true;
                    Log.SerialNoData(_logger, _port.DevicePath, _device.DeviceId, _port.NoDataTimeoutSeconds);
                    _serialStatistics.RecordNoData(_device.DeviceId);
                    Publish(DeviceStatusEventKind.NoData, null);
                }
                else if (quiet < noDataTimeout)
                {
                    noDataTimer.Change(noDataTimeout - quiet, Timeout.InfiniteTimeSpan);
                }

                continue;
            }

            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                receivedBytes = true;
                lastData = _timeProvider.GetTimestamp();
                noDataTimer.Change(noDataTimeout, Timeout.InfiniteTimeSpan);
                if (silent)
                {
                    silent = false;
                    Log.SerialDataResumed(_logger, _port.DevicePath, _device.DeviceId);
                    Publish(DeviceStatusEventKind.DataResumed, null);
                }
            }

            items.Clear();
            decoder.Decode(ref buffer, items, OnRejection);
            input.AdvanceTo(buffer.Start, buffer.End);
            foreach (var item in items)
            {
                await IngestAsync(item, stoppingToken).ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                return (await port.Disconnected.ConfigureAwait(false), receivedBytes);
            }
        }
    }

    private async ValueTask IngestAsync(SerialItem item, CancellationToken cancellationToken)
    {
        IngestionOutcome outcome;
        if (item.Token is { } token)
        {
            outcome = _verifier.VerifyFromSerialPort(_device.DeviceId, token);
        }
        else
        {
            if (item.Status != _lastStatus)
            {
                _lastStatus = item.Status;
                Log.DeviceStatusChanged(_logger, _device.DeviceId, item.Status);
                Publish(DeviceStatusEventKind.StatusChanged, null);
            }

            if (item.Values.Count == 0)
            {
                return; // Only dashes (sensor off, searching): a status, no reading.
            }

            outcome = _verifier.VerifyAttested(_device.DeviceId, _attestor!.Attest(item.Values), _attestor.PublicKey);
        }

        // No acknowledgement exists on a serial line; the intake waits when the queue is full, so the port's buffers hold the rest.
        await _intake.AcceptAsync(outcome, cancellationToken).ConfigureAwait(false);
    }

    private void OnRejection(SerialRejectionReason reason)
    {
        _serialStatistics.RecordRejection(_device.DeviceId, reason);
        if (_loggedRejections.Add(reason))
        {
            Log.SerialBytesRejected(_logger, _port.DevicePath, _device.DeviceId, reason);
        }
    }

    private void Publish(DeviceStatusEventKind kind, string? detail) =>
        _events.Publish(new DeviceStatusEvent(_device, kind, _lastStatus, _timeProvider.GetUtcNow(), detail));
}
