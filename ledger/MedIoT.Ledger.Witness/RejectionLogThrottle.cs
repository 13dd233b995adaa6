using System.Collections.Concurrent;
using MedIoT.Ledger.Witness.Cosigning;

namespace MedIoT.Ledger.Witness;

/// <summary>
/// Lets one log line per refusal reason through each minute, so a client sending garbage cannot flood the log; every
/// refusal is still counted (<see cref="WitnessMetrics"/>).
/// </summary>
internal sealed class RejectionLogThrottle(TimeProvider timeProvider)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<WitnessRejection, DateTimeOffset> _lastLogged = new();

    public bool ShouldLog(WitnessRejection reason)
    {
        var now = timeProvider.GetUtcNow();
        var logged = false;
        _lastLogged.AddOrUpdate(
            reason,
            _ =>
            {
                logged = true;
                return now;
            },
            (_, last) =>
            {
                if (now - last < Interval)
                {
                    return last;
                }

                logged = true;
                return now;
            });
        return logged;
    }
}
