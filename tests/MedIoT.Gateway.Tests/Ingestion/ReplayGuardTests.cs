using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Tests.Ingestion;

public sealed class ReplayGuardTests
{
    private static byte[] Signature(byte marker) => Enumerable.Repeat(marker, 64).ToArray();

    [Fact]
    public void Increasing_sequences_are_new()
    {
        var guard = new ReplayGuard(window: 16);

        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("d", 1, Signature(1)));
        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("d", 2, Signature(2)));
        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("d", 100, Signature(3)));
    }

    [Fact]
    public void The_identical_frame_again_is_a_duplicate_and_different_content_is_a_conflict()
    {
        var guard = new ReplayGuard(window: 16);
        guard.Check("d", 5, Signature(5));

        Assert.Equal(ReplayGuard.Verdict.Duplicate, guard.Check("d", 5, Signature(5)));
        Assert.Equal(ReplayGuard.Verdict.Conflict, guard.Check("d", 5, Signature(6)));
    }

    [Fact]
    public void A_late_unseen_sequence_inside_the_window_is_new_and_one_below_it_is_a_replay()
    {
        var guard = new ReplayGuard(window: 16);
        guard.Check("d", 100, Signature(1));

        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("d", 85, Signature(2)));   // 100 - 15: inside
        Assert.Equal(ReplayGuard.Verdict.Replayed, guard.Check("d", 84, Signature(3))); // 100 - 16: outside
        Assert.Equal(ReplayGuard.Verdict.Replayed, guard.Check("d", 0, Signature(4)));
    }

    [Fact]
    public void Devices_are_tracked_separately()
    {
        var guard = new ReplayGuard(window: 16);
        guard.Check("a", 7, Signature(1));

        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("b", 7, Signature(2)));
        Assert.Equal(ReplayGuard.Verdict.Conflict, guard.Check("a", 7, Signature(2)));
    }

    [Fact]
    public void A_jump_far_ahead_does_not_confuse_slots_that_wrap()
    {
        var guard = new ReplayGuard(window: 4);
        guard.Check("d", 1, Signature(1));
        guard.Check("d", 9, Signature(9));   // same slot as 1 (mod 4)

        Assert.Equal(ReplayGuard.Verdict.Replayed, guard.Check("d", 1, Signature(1)));
        Assert.Equal(ReplayGuard.Verdict.Duplicate, guard.Check("d", 9, Signature(9)));
        Assert.Equal(ReplayGuard.Verdict.New, guard.Check("d", 7, Signature(7)));
    }
}
