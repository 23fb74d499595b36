using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type FileUploadAuth.</summary>
internal sealed class FileUploadAuthType : ObjectGraphType<FileUploadAuth>
{
    public FileUploadAuthType()
    {
        Name = "FileUploadAuth";
        Field(auth => auth.Filename);
        Field(auth => auth.Url);
    }
}
