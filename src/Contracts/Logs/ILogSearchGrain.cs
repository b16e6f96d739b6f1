namespace Pipeline.Contracts.Logs;

/// <summary>
/// Runs a log search against the embedded store of one silo. Keyed by silo address (<c>SiloAddress.ToParsableString()</c>) and placed
/// on that silo; the HTTP API fans a query out to one per silo and merges the answers.
/// </summary>
[Alias("pipeline.ILogSearchGrain")]
public interface ILogSearchGrain : IGrainWithStringKey
{
    [Alias("Search")]
    Task<LogSearchResult> Search(LogSearchRequest request);
}
