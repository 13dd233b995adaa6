using MedIoT.Testing;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Support;

/// <summary>
/// The station's screenshots: always saved to the tests' output folder (<c>screenshots/</c>), and with
/// <c>MEDIOT_WRITE_SCREENSHOTS=1</c> also to the repository's <c>docs/images/</c>, where the README shows them.
/// </summary>
internal static class Screenshots
{
    /// <summary>The environment variable that makes a test run refresh <c>docs/images/</c>.</summary>
    public const string WriteVariable = "MEDIOT_WRITE_SCREENSHOTS";

    /// <summary>Saves the page's viewport as <paramref name="fileName"/> and returns the test output's copy.</summary>
    public static async Task<string> SaveAsync(IPage page, string fileName)
    {
        ArgumentNullException.ThrowIfNull(page);
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots", fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        // Animations (the high-priority flash) are frozen at their start, so the image does not depend on the instant.
        var bytes = await page.ScreenshotAsync(new() { Path = output, Animations = ScreenshotAnimations.Disabled });
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            var images = Directory.CreateDirectory(Path.Combine(RepositoryLayout.Root, "docs", "images"));
            await File.WriteAllBytesAsync(Path.Combine(images.FullName, fileName), bytes);
        }

        return output;
    }
}
