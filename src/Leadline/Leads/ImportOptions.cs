namespace Leadline.Leads;

/// <summary>Leadline:Imports: limits of the API's CSV import.</summary>
public sealed class ImportOptions
{
    /// <summary>
    /// The largest <c>POST /api/v1/leads/import</c> body; a larger one answers 413 and imports nothing (bigger files go in
    /// parts, or through the web upload). Below Kestrel's own default limit (28.6 MB), which the endpoint replaces with this.
    /// </summary>
    public int MaxRequestMegabytes { get; set; } = 25;

    public long MaxRequestBytes => MaxRequestMegabytes * 1024L * 1024L;
}
