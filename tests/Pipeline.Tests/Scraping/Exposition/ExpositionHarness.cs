using System.Text;
using Pipeline.Grains.Scraping.Exposition;
using Xunit;

namespace Pipeline.Tests.Scraping.Exposition;

/// <summary>Parses a body whole, or cut in chunks of a given size, and keeps what the visitor saw.</summary>
internal static class ExpositionHarness
{
    public static (ExpositionResult Result, List<RecordedSample> Samples) Text(string body, ExpositionLimits? limits = null) =>
        Parse(body, ExpositionFormat.PrometheusText, limits);

    public static (ExpositionResult Result, List<RecordedSample> Samples) OpenMetrics(string body, ExpositionLimits? limits = null) =>
        Parse(body, ExpositionFormat.OpenMetrics, limits);

    public static (ExpositionResult Result, List<RecordedSample> Samples) Parse(string body, ExpositionFormat format, ExpositionLimits? limits = null) =>
        Parse(Encoding.UTF8.GetBytes(body), format, limits);

    public static (ExpositionResult Result, List<RecordedSample> Samples) Parse(byte[] body, ExpositionFormat format, ExpositionLimits? limits = null)
    {
        var visitor = new RecordingExpositionVisitor();
        var result = new ExpositionParser(limits).Parse(body, format, visitor);
        return (result, visitor.Samples);
    }

    public static (ExpositionResult Result, List<RecordedSample> Samples) Chunked(byte[] body, ExpositionFormat format, int chunkSize, ExpositionParser? parser = null)
    {
        var visitor = new RecordingExpositionVisitor();
        parser ??= new ExpositionParser();
        parser.Begin(format, visitor);
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            if (!parser.Feed(body.AsSpan(offset, Math.Min(chunkSize, body.Length - offset))))
            {
                break;
            }
        }

        return (parser.Complete(), visitor.Samples);
    }

    /// <summary>Parses a body that must be refused, and returns why.</summary>
    public static ExpositionError Refused(string body, ExpositionFormat format = ExpositionFormat.PrometheusText, ExpositionLimits? limits = null)
    {
        var (result, _) = Parse(body, format, limits);
        Assert.False(result.Succeeded, $"expected the body to be refused:\n{body}");
        return result.Error!;
    }
}
