namespace MedIoT.Ledger.Witness.Cosigning;

/// <summary>The HTTP answer to an add-checkpoint request: status, content type and text body.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Body">The body: cosignature lines (200), the latest cosigned size (409 stale), or a one-line reason.</param>
/// <param name="Rejection">Why it was not cosigned, or <see cref="WitnessRejection.None"/>.</param>
internal sealed record WitnessResponse(int StatusCode, string ContentType, string Body, WitnessRejection Rejection)
{
    /// <summary>The media type of a tree size body (tlog-witness).</summary>
    public const string TreeSizeContentType = "text/x.tlog.size";

    /// <summary>Plain UTF-8 text.</summary>
    public const string TextContentType = "text/plain; charset=utf-8";
}
