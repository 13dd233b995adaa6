using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Service.Anchoring;

/// <summary>A gateway's add-checkpoint request whose signature verified, waiting for the next group commit.</summary>
internal sealed class Submission(string origin, Checkpoint checkpoint, AddCheckpointRequest request)
{
    private readonly TaskCompletionSource<SubmissionOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Origin { get; } = origin;

    public Checkpoint Checkpoint { get; } = checkpoint;

    public AddCheckpointRequest Request { get; } = request;

    /// <summary>Completes once the outcome is durable (the leaf and its ledger checkpoint, or the fork evidence).</summary>
    public Task<SubmissionOutcome> Completion => _completion.Task;

    public void Complete(SubmissionOutcome outcome) => _completion.TrySetResult(outcome);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
