using System.Net;
using System.Text;

namespace SvqVideo.Cli.Reports;

/// <summary>A small self-contained HTML page that links the run's pictures and shows its tables.</summary>
internal sealed class HtmlReport
{
    private readonly StringBuilder _body = new();

    public HtmlReport(string title)
    {
        Title = title;
    }

    public string Title { get; }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(WebUtility.HtmlEncode(text)).AppendLine("</p>");
        return this;
    }

    public HtmlReport Heading(string text)
    {
        _body.Append("<h2>").Append(WebUtility.HtmlEncode(text)).AppendLine("</h2>");
        return this;
    }

    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.AppendLine("<table><tr>" + string.Concat(header.Select(h => $"<th>{WebUtility.HtmlEncode(h)}</th>")) + "</tr>");
        foreach (var r in rows)
        {
            _body.AppendLine("<tr>" + string.Concat(r.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>")) + "</tr>");
        }

        _body.AppendLine("</table>");
        return this;
    }

    /// <summary>Embeds a picture by relative path (the page lives beside its pictures).</summary>
    public HtmlReport Image(string relativePath, string caption)
    {
        _body.Append("<figure><img src=\"").Append(WebUtility.HtmlEncode(relativePath)).Append("\" alt=\"").Append(WebUtility.HtmlEncode(caption))
            .Append("\"><figcaption>").Append(WebUtility.HtmlEncode(caption)).AppendLine("</figcaption></figure>");
        return this;
    }

    public void Write(string path)
    {
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(Title)}}</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; max-width: 1400px; }
            table { border-collapse: collapse; margin: 1em 0; }
            th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }
            th { background: #f3f3f3; }
            img { max-width: 100%; image-rendering: pixelated; border: 1px solid #ddd; }
            figure { margin: 1em 0; }
            </style></head>
            <body><h1>{{WebUtility.HtmlEncode(Title)}}</h1>
            {{_body}}
            <p style="color:#888">written by svqvideo {{WebUtility.HtmlEncode(typeof(HtmlReport).Assembly.GetName().Version?.ToString() ?? "")}} on {{DateTime.UtcNow:yyyy-MM-dd HH:mm}} UTC</p>
            </body></html>
            """;
        Torch.AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(html)));
    }
}
