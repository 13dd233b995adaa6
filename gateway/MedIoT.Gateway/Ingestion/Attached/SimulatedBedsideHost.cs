using MedIoT.Sensors.Simulation;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// One simulated bedside (the demo, the tests) and the state file that moves it: read every 100 ms on the injected
/// clock and applied when it changed. A missing or unreadable file leaves the last state in place and is logged once
/// per run of failures.
/// </summary>
internal sealed class SimulatedBedsideHost : IDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);
    private readonly string _statePath;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private BedsideState? _applied;
    private bool _problemLogged;

    public SimulatedBedsideHost(string statePath, SimulatedBedsidePins pins, TimeProvider timeProvider, ILogger logger)
    {
        _statePath = statePath;
        _logger = logger;
        Bedside = new SimulatedBedside(pins, timeProvider);
        Poll();
        _timer = timeProvider.CreateTimer(static state => ((SimulatedBedsideHost)state!).Poll(), this, s_pollInterval, s_pollInterval);
    }

    /// <summary>The simulated chips.</summary>
    public SimulatedBedside Bedside { get; }

    /// <summary>Reads the state file and applies it when it changed.</summary>
    public void Poll()
    {
        lock (_lock)
        {
            if (!BedsideStateFile.TryRead(_statePath, out var state, out var error))
            {
                if (!_problemLogged)
                {
                    _problemLogged = true;
                    Log.SimulatedBedsideStateUnreadable(_logger, _statePath, error);
                }

                return;
            }

            _problemLogged = false;
            if (state != _applied)
            {
                _applied = state;
                Bedside.Apply(state);
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Bedside.Dispose();
    }
}
