using System.Diagnostics.Metrics;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Access;

/// <summary>Counters of sign-in and access refusals, on the gateway's meter (<see cref="IngestionStatistics.MeterName"/>; docs/metrics.md).</summary>
public sealed class AccessStatistics : IDisposable
{
    private static readonly SignInOutcome[] s_outcomes = Enum.GetValues<SignInOutcome>();
    private readonly Meter _meter;
    private readonly long[] _signIns = new long[s_outcomes.Length];
    private long _rateLimited;
    private long _antiforgeryRefused;
    private long _unauthenticated;
    private long _forbidden;
    private long _cookiesRefused;
    private long _tokensRefused;

    /// <summary>Registers the counters on the gateway's meter.</summary>
    public AccessStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(IngestionStatistics.MeterName);
        _meter.CreateObservableCounter("mediot.access.sign_ins", SignInMeasurements, "{attempt}",
            "Sign-in attempts by outcome (succeeded, bad-credentials, no-role, bad-request).");
        _meter.CreateObservableCounter("mediot.access.sign_ins.rate_limited", () => RateLimited, "{attempt}",
            "Sign-in attempts refused with 429 because the account name or the client address failed too often.");
        _meter.CreateObservableCounter("mediot.access.antiforgery.refused", () => AntiforgeryRefused, "{request}",
            "Cookie-authenticated unsafe requests refused for a missing or invalid anti-forgery token.");
        _meter.CreateObservableCounter("mediot.access.unauthenticated", () => Unauthenticated, "{request}",
            "Requests refused with 401 or sent to sign-in because they carried no valid identity.");
        _meter.CreateObservableCounter("mediot.access.forbidden", () => Forbidden, "{request}",
            "Requests refused with 403 because the signed-in principal lacks the role.");
        _meter.CreateObservableCounter("mediot.access.cookies.refused", () => CookiesRefused, "{request}",
            "Requests whose sign-in cookie did not authenticate (forged, tampered with, expired or from other keys).");
        _meter.CreateObservableCounter("mediot.access.tokens.refused", () => TokensRefused, "{request}",
            "Requests whose bearer token did not authenticate (unknown local token, invalid JWT).");
    }

    public long SignIns(SignInOutcome outcome) => Interlocked.Read(ref _signIns[(int)outcome]);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    public long AntiforgeryRefused => Interlocked.Read(ref _antiforgeryRefused);

    public long Unauthenticated => Interlocked.Read(ref _unauthenticated);

    public long Forbidden => Interlocked.Read(ref _forbidden);

    public long CookiesRefused => Interlocked.Read(ref _cookiesRefused);

    public long TokensRefused => Interlocked.Read(ref _tokensRefused);

    internal void RecordSignIn(SignInOutcome outcome) => Interlocked.Increment(ref _signIns[(int)outcome]);

    internal void RecordRateLimited() => Interlocked.Increment(ref _rateLimited);

    internal void RecordAntiforgeryRefused() => Interlocked.Increment(ref _antiforgeryRefused);

    internal void RecordUnauthenticated() => Interlocked.Increment(ref _unauthenticated);

    internal void RecordForbidden() => Interlocked.Increment(ref _forbidden);

    internal void RecordCookieRefused() => Interlocked.Increment(ref _cookiesRefused);

    internal void RecordTokenRefused() => Interlocked.Increment(ref _tokensRefused);

    private IEnumerable<Measurement<long>> SignInMeasurements()
    {
        foreach (var outcome in s_outcomes)
        {
            yield return new Measurement<long>(SignIns(outcome), new KeyValuePair<string, object?>("outcome", SignInOutcomes.Name(outcome)));
        }
    }

    public void Dispose() => _meter.Dispose();
}
