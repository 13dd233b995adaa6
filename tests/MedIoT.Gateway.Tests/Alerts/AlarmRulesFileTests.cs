using MedIoT.Gateway.Alerts.Engine;

namespace MedIoT.Gateway.Tests.Alerts;

public sealed class AlarmRulesFileTests
{
    [Fact]
    public void A_missing_file_says_where_to_start()
    {
        var exception = Assert.Throws<FileNotFoundException>(() => AlarmRulesFile.Load("/nonexistent/alert-rules.json"));

        Assert.Contains("configs/alert-rules.json", exception.Message, StringComparison.Ordinal);
    }
}
