using System.Globalization;
using System.Net.Http.Json;
using MedIoT.Sensors.Simulation;

namespace MedIoT.FirmwareSim.Bedside;

/// <summary>
/// Plays a <see cref="BedsideStory"/>: writes the bedside state file every 100 ms on the injected clock (the gateway's
/// simulated chips read it), and arms bed-exit monitoring for the bed through the gateway's API at the story's moment
/// (<c>POST /beds/{ward}/{bed}/bed-exit</c>, as a signed-in nurse would), when a gateway client is given.
/// </summary>
internal sealed class BedsidePlayer(BedsideStory story, string statePath, HttpClient? gateway, string ward, string bed, TimeProvider timeProvider)
{
    private static readonly TimeSpan s_step = TimeSpan.FromMilliseconds(100);

    /// <summary>Plays the story to its end; the last state stays in the file.</summary>
    public async Task PlayAsync(CancellationToken cancellationToken)
    {
        var start = timeProvider.GetTimestamp();
        var armed = gateway is null;
        var steps = (int)Math.Ceiling(story.Length / s_step) + 1;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Playing the bedside story ({story.Length.TotalSeconds:0} s) into {statePath}{(armed ? "; bed exit is not armed (no --gateway-url)" : string.Empty)}."));
        using var timer = new PeriodicTimer(s_step, timeProvider);
        for (var step = 0; step < steps; step++)
        {
            var elapsed = timeProvider.GetElapsedTime(start);
            BedsideStateFile.Write(statePath, story.At(elapsed));
            if (!armed && elapsed >= story.ArmBedExitAt)
            {
                armed = true;
                await ArmAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        BedsideStateFile.Write(statePath, story.At(story.Length));
        Console.WriteLine("The bedside story has ended; its last state stays.");
    }

    private async Task ArmAsync(CancellationToken cancellationToken)
    {
        var path = $"beds/{Uri.EscapeDataString(ward)}/{Uri.EscapeDataString(bed)}/bed-exit";
        using var response = await gateway!.PostAsJsonAsync(path, new ArmRequest(Armed: true), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"The gateway refused to arm bed exit at {ward}/{bed}: {(int)response.StatusCode} {problem}"));
        }

        Console.WriteLine($"Bed-exit monitoring armed at {ward}/{bed}.");
    }

    private sealed record ArmRequest([property: System.Text.Json.Serialization.JsonPropertyName("armed")] bool Armed);
}
