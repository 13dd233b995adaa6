using System.Text.Json.Serialization;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// The body of <c>POST /beds/{ward}/{bed}/bed-exit</c> (docs/alerts.md §7): <c>{"armed": true}</c> arms bed-exit
/// monitoring, <c>{"armed": false}</c> disarms it. Who does it is the signed-in identity.
/// </summary>
/// <param name="Armed">True to arm, false to disarm; null when absent (refused).</param>
internal sealed record BedExitRequest([property: JsonConverter(typeof(RequestBody.ArmedConverter))] bool? Armed);
