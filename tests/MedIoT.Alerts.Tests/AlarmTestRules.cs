using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.Alerts.Rules;
using MedIoT.Testing;

namespace MedIoT.Alerts.Tests;

/// <summary>The shipped rules file, optionally edited as JSON before it is parsed (so tests exercise the real loader).</summary>
internal static class AlarmTestRules
{
    public static string ShippedPath => Path.Combine(RepositoryLayout.Configs, "alert-rules.json");

    public static JsonObject ShippedJson() =>
        JsonNode.Parse(File.ReadAllText(ShippedPath), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();

    public static AlarmRules Shipped(Action<JsonObject>? edit = null)
    {
        var json = ShippedJson();
        edit?.Invoke(json);
        return AlarmRules.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "test-rules.json");
    }

    /// <summary>The vital rule entry for <paramref name="mdcCode"/> in the rules JSON.</summary>
    public static JsonObject Vital(JsonObject rules, int mdcCode) =>
        rules["vitals"]!.AsArray().Select(node => node!.AsObject()).Single(vital => (int)vital["mdcCode"]! == mdcCode);
}
