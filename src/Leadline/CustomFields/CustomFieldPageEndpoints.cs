namespace Leadline.CustomFields;

/// <summary>Form posts of Settings → Custom fields (post, then redirect back).</summary>
internal static class CustomFieldPageEndpoints
{
    public static void MapCustomFieldPages(this IEndpointRouteBuilder app)
    {
    }
}
