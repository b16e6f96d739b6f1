namespace Pipeline.Silo;

/// <summary>
/// A membership table that waits for its store at start-up: Orleans stops the silo when the first
/// call to the membership store fails, so a silo started before its Redis (a node booting, Redis
/// restarting) would crash in a loop. This one retries the initialization with backoff, saying on
/// stderr each time why; meanwhile the silo is not active, so <c>/readyz</c> answers 503. Every
/// other call goes straight to the real table.
/// </summary>
internal sealed class PatientMembershipTable(IMembershipTable inner, string store, TimeProvider time) : IMembershipTable
{
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        var wait = FirstWait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await inner.InitializeMembershipTableAsync(tryInitTableVersion, cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    await Console.Error.WriteLineAsync($"cluster: the membership store ({store}) answers; joining the cluster").ConfigureAwait(false);
                }

                return;
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                await Console.Error.WriteLineAsync(
                    $"error: cluster: the membership store ({store}) cannot be reached (attempt {attempt}: {e.GetBaseException().Message.Split('\n')[0]}); retrying in {wait.TotalSeconds:0} s. The silo is not ready meanwhile.").ConfigureAwait(false);
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
        }
    }

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) => inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) => inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => inner.ReadRowAsync(key, cancellationToken);

    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) => inner.InsertRowAsync(entry, tableVersion, cancellationToken);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) => inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);

    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => inner.UpdateIAmAliveAsync(entry, cancellationToken);

    // Orleans 10 calls the methods above; the interface still has its older forms.
    [Obsolete("Use InitializeMembershipTableAsync.")]
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    [Obsolete("Use DeleteMembershipTableEntriesAsync.")]
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    [Obsolete("Use CleanupDefunctSiloEntriesAsync.")]
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    [Obsolete("Use ReadRowAsync.")]
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    [Obsolete("Use ReadAllAsync.")]
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    [Obsolete("Use InsertRowAsync.")]
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    [Obsolete("Use UpdateRowAsync.")]
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    [Obsolete("Use UpdateIAmAliveAsync.")]
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);
}
