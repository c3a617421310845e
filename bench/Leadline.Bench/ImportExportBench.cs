using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bogus;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

internal sealed record ImportFigures(int Rows, int Created, int Skipped, int Errors, TimeSpan Elapsed, bool TimedOut, TimeSpan BenchCpu)
{
    public double RowsPerSecond => (Created + Skipped + Errors) / Elapsed.TotalSeconds;
}

internal sealed record ExportFigures(long Rows, long Bytes, TimeSpan Elapsed, long BaselineWorkingSet, long PeakManagedHeap, long ProcessPeakWorkingSet);

/// <summary>CSV import through <see cref="LeadImport"/> and CSV export through <see cref="LeadExport"/>, as the API runs them.</summary>
internal sealed class ImportExportBench(BenchDatabase database, int workspaceId, int adminId)
{
    /// <summary>
    /// Generated rows with unique e-mails and phones (so none is a duplicate), imported with the API's default policy (skip
    /// duplicates). Rows are numbered after the leads earlier imports wrote, so a kept database (<c>--reuse</c>) can import again.
    /// </summary>
    public async Task<ImportFigures> ImportAsync(int rows, TimeSpan timeout, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var earlier = await scope.ServiceProvider.GetRequiredService<LeadlineDb>().Leads.CountAsync(l => l.SourceDetail == BenchSourceDetail, ct);
        var csv = GenerateCsv(earlier, rows);
        var import = scope.ServiceProvider.GetRequiredService<LeadImport>();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        try
        {
            using var reader = new StringReader(csv);
            var result = await import.ImportAsync(reader, DuplicatePolicy.Skip, null, limit.Token);
            return new ImportFigures(rows, result.Created, result.Skipped, result.Errors.Count, watch.Elapsed, false, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var elapsed = watch.Elapsed;
            await using var countScope = database.Scope(workspaceId);
            var written = await countScope.ServiceProvider.GetRequiredService<LeadlineDb>().Leads.CountAsync(l => l.SourceDetail == BenchSourceDetail, ct) - earlier;
            return new ImportFigures(rows, written, 0, 0, elapsed, true, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
    }

    /// <summary>
    /// The same rows as <see cref="ImportAsync"/>, as an import job: stored with the job (<see cref="ImportJobs.EnqueueAsync"/>),
    /// claimed and run by <see cref="ImportJobRunner"/> as a worker would; timed from the upload to the job's end.
    /// </summary>
    public async Task<ImportFigures> ImportJobAsync(int rows, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var earlier = await db.Leads.CountAsync(l => l.SourceDetail == BenchSourceDetail, ct);
        var csv = GenerateCsv(earlier, rows);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var check = await ImportFileCheck.ReadAsync(csv, null, ct);
        var job = await scope.ServiceProvider.GetRequiredService<ImportJobs>().EnqueueAsync(csv, "bench.csv", DuplicatePolicy.Skip, check.Rows, ct);
        await using (var runnerScope = database.Scope(workspaceId))
        {
            if (!await runnerScope.ServiceProvider.GetRequiredService<ImportJobRunner>().RunNextAsync(ct))
                throw new InvalidOperationException("The import job was not claimed.");
        }
        var elapsed = watch.Elapsed;
        var done = await db.Imports.AsNoTracking().FirstAsync(r => r.Id == job.Id, ct);
        if (done.Status != ImportStatus.Completed)
            throw new InvalidOperationException($"The import job ended {done.Status}: {done.Failure}");
        return new ImportFigures(rows, done.Created, done.Skipped, done.ErrorCount, elapsed, false, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    // marks the bench's imported rows, so a later import on the same database numbers its rows after them
    private const string BenchSourceDetail = "bench import";

    private static string GenerateCsv(int first, int rows)
    {
        var faker = new Faker("en") { Random = new Randomizer(7 + first) };
        var csv = new StringBuilder("name,company,title,email,phone,city,state,postalCode,country,source,sourceDetail,tags,score\n");
        for (var i = first; i < first + rows; i++)
        {
            var given = faker.Name.FirstName();
            var last = faker.Name.LastName();
            var company = faker.Random.Bool(0.8f) ? faker.Company.CompanyName().Replace(",", "", StringComparison.Ordinal) : "";
            // +1 646 7xx xxxx: a range the demo data never uses, so no row is a duplicate of a seeded lead
            var phone = faker.Random.Bool(0.7f) ? string.Create(CultureInfo.InvariantCulture, $"+1 646 7{i / 10000 % 100:00} {i % 10000:0000}") : "";
            var email = faker.Random.Bool(0.85f) ? string.Create(CultureInfo.InvariantCulture, $"{given}.{last}.{i}@import.example").ToLowerInvariant() : "";
            csv.Append(CultureInfo.InvariantCulture, $"{given} {last},{company},{(company.Length > 0 ? faker.Name.JobTitle() : "")},{email},{phone},")
                .Append(CultureInfo.InvariantCulture, $"{faker.Address.City()},{faker.Address.StateAbbr()},{faker.Address.ZipCode("#####")},US,webForm,{BenchSourceDetail},")
                .Append(CultureInfo.InvariantCulture, $"{(faker.Random.Bool(0.5f) ? "expo;b2b" : "")},{faker.Random.Int(0, 100)}\n");
        }
        return csv.ToString();
    }

    /// <summary>
    /// Every lead to a stream that only counts bytes. The managed heap is sampled every 10 ms while it runs; the
    /// process's peak working set (what the OS charged it, runtime and database driver included) is read at the end.
    /// </summary>
    public async Task<ExportFigures> ExportAsync(CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);   // starts the app
        var export = scope.ServiceProvider.GetRequiredService<LeadExport>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = Environment.WorkingSet;
        var output = new CountingStream();
        var peakHeap = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                try { await Task.Delay(10, stop.Token); } catch (OperationCanceledException) { }
            }
        }, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await export.WriteAsync(output, new LeadFilter(), adminId, new WorkspaceClock(TimeProvider.System, "UTC"), ct);
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await sampler;
        using var process = Process.GetCurrentProcess();
        return new ExportFigures(output.Lines - 1, output.Length, elapsed, baseline, peakHeap, process.PeakWorkingSet64);
    }

    /// <summary>A write-only stream that keeps nothing: it counts bytes and lines.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public long Lines { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _length += buffer.Length;
            Lines += buffer.Count((byte)'\n');
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
