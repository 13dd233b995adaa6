using System.Text;

namespace MedIoT.Testing;

/// <summary>
/// Worked examples that a test produces and a document shows. In the markdown the example is one fenced code block
/// between two marker lines:
/// <code>
/// &lt;!-- example: NAME --&gt;
/// ```
/// (the text the test produced, each line ending in a line feed)
/// ```
/// &lt;!-- end example: NAME --&gt;
/// </code>
/// <see cref="Check"/> compares the block with what the test built, byte for byte. After a deliberate change, run the
/// test with <see cref="RewriteVariable"/><c>=1</c>: it writes the new block into the document (review the diff).
/// </summary>
public static class DocumentExamples
{
    /// <summary>The environment variable that makes <see cref="Check"/> rewrite the document instead of comparing.</summary>
    public const string RewriteVariable = "MEDIOT_WRITE_GOLDEN";

    private const string Fence = "```";

    /// <summary>
    /// Null when <paramref name="document"/> (a path from the repository root, for example <c>docs/device-protocol.md</c>)
    /// shows exactly <paramref name="text"/> as its example <paramref name="name"/>; otherwise a message that says where
    /// the two first differ and how to regenerate the block with <paramref name="testCommand"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a code fence, a carriage return or a tab.</exception>
    public static string? Check(string document, string name, string text, string testCommand)
    {
        ArgumentException.ThrowIfNullOrEmpty(document);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(testCommand);
        if (text.Contains(Fence, StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal) || text.Contains('\t', StringComparison.Ordinal))
        {
            throw new ArgumentException("An example cannot hold a code fence, a carriage return or a tab.", nameof(text));
        }

        var path = Path.Combine(RepositoryLayout.Root, document);
        var markdown = File.ReadAllText(path, Encoding.UTF8);
        var begin = $"<!-- example: {name} -->\n";
        var end = $"<!-- end example: {name} -->\n";
        var start = markdown.IndexOf(begin, StringComparison.Ordinal);
        var stop = start < 0 ? -1 : markdown.IndexOf(end, start, StringComparison.Ordinal);
        if (start < 0 || stop < 0 || markdown.IndexOf(begin, start + begin.Length, StringComparison.Ordinal) >= 0)
        {
            return $"{document} has no single example '{name}': it needs the lines '{begin.TrimEnd()}' and '{end.TrimEnd()}', " +
                "each once, around the block. Add them, then regenerate the block: " + Command(testCommand);
        }

        var expected = Fence + "\n" + (text.EndsWith('\n') ? text : text + "\n") + Fence + "\n";
        var shown = markdown[(start + begin.Length)..stop];
        if (string.Equals(shown, expected, StringComparison.Ordinal))
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable(RewriteVariable) == "1")
        {
            File.WriteAllText(path, markdown[..(start + begin.Length)] + expected + markdown[stop..], new UTF8Encoding(false));
            return null;
        }

        return $"The example '{name}' in {document} is not what the test produces ({FirstDifference(shown, expected)}). " +
            "If the change is deliberate, rewrite the block and review the diff: " + Command(testCommand);
    }

    private static string Command(string testCommand) => $"{RewriteVariable}=1 {testCommand}";

    private static string FirstDifference(string shown, string expected)
    {
        var shownLines = shown.Split('\n');
        var expectedLines = expected.Split('\n');
        for (var line = 0; line < Math.Min(shownLines.Length, expectedLines.Length); line++)
        {
            if (!string.Equals(shownLines[line], expectedLines[line], StringComparison.Ordinal))
            {
                return $"block line {line + 1}: the document has '{Shorten(shownLines[line])}', the test produces '{Shorten(expectedLines[line])}'";
            }
        }

        return $"the document's block has {shownLines.Length - 1} lines, the test produces {expectedLines.Length - 1}";
    }

    private static string Shorten(string line) => line.Length <= 100 ? line : line[..100] + "…";
}
