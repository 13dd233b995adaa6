using MedIoT.Gateway.Access;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>The sign-in rate limit on a fake clock: a fixed window per key, refused until it ends, bounded memory.</summary>
public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private SignInThrottle Throttle(int limit = 5, int windowSeconds = 900) =>
        new(Options.Create(new AccessOptions { SignInFailureLimit = limit, SignInFailureWindowSeconds = windowSeconds }), _clock);

    [Fact]
    public void The_limit_holds_until_the_window_of_the_first_failure_ends()
    {
        var throttle = Throttle();
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("name:nurse.jones", "address:10.0.0.7");
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("name:nurse.jones"));
        throttle.RecordFailure("name:nurse.jones", "address:10.0.0.7");

        // First failure at 08:00, window 15 min, now 08:04: 11 minutes to wait, for the name and for the address.
        Assert.Equal(TimeSpan.FromMinutes(11), throttle.RetryAfter("name:nurse.jones"));
        Assert.Equal(TimeSpan.FromMinutes(11), throttle.RetryAfter("name:someone.else", "address:10.0.0.7"));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("name:someone.else", "address:10.0.0.8"));

        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("name:nurse.jones", "address:10.0.0.7"));
        // A failure after the window starts a new one.
        throttle.RecordFailure("name:nurse.jones");
        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("name:nurse.jones"));
    }

    [Fact]
    public void A_successful_sign_in_forgets_the_name_but_not_the_address()
    {
        var throttle = Throttle(limit: 2);
        throttle.RecordFailure("name:nurse.jones", "address:10.0.0.7");
        throttle.RecordFailure("name:nurse.jones", "address:10.0.0.7");
        throttle.Forget("name:nurse.jones");

        Assert.Equal(TimeSpan.Zero, throttle.RetryAfter("name:nurse.jones"));
        Assert.NotEqual(TimeSpan.Zero, throttle.RetryAfter("address:10.0.0.7"));
    }

    [Fact]
    public void Memory_is_bounded_expired_windows_go_first_then_the_oldest()
    {
        var throttle = Throttle(limit: 1, windowSeconds: 60);
        for (var i = 0; i < SignInThrottle.MaximumKeys; i++)
        {
            throttle.RecordFailure($"address:{i}");
        }

        Assert.Equal(SignInThrottle.MaximumKeys, throttle.Count);
        throttle.RecordFailure("address:new");
        Assert.Equal(SignInThrottle.MaximumKeys, throttle.Count);
        Assert.NotEqual(TimeSpan.Zero, throttle.RetryAfter("address:new"));

        _clock.Advance(TimeSpan.FromSeconds(61));
        throttle.RecordFailure("address:newer");
        Assert.Equal(1, throttle.Count);
    }
}
