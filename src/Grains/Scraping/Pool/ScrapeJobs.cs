using System.Collections.Concurrent;
using Pipeline.Grains.Configuration;
using Pipeline.Grains.Http;

namespace Pipeline.Grains.Scraping.Pool;

/// <summary>
/// The scrape jobs of the pipeline file, and one HTTP client per job on this silo shared by the job's
/// targets (pooled connections, the job's TLS settings).
/// </summary>
public sealed class ScrapeJobs(PipelineConfig config) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _clients = new(StringComparer.Ordinal);

    public IReadOnlyList<ScrapeJobConfig> All => config.Metrics.ScrapeJobs;

    public HttpMessageInvoker ClientFor(ScrapeJobConfig job) =>
        _clients.GetOrAdd(job.JobName, static (_, j) => new HttpMessageInvoker(HttpClientHandlers.Create(j.Http), disposeHandler: true), job);

    /// <summary>The job of that name in the pipeline file, or null.</summary>
    public ScrapeJobConfig? Find(string name) => config.Metrics.ScrapeJobs.FirstOrDefault(j => j.JobName == name);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
