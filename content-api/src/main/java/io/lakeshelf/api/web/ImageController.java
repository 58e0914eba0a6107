package io.lakeshelf.api.web;

import io.lakeshelf.api.service.ImageService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/collections/{name}/documents/{id}/images/{n}}: the bytes behind a document's n-th
 * image anchor (from 0), checked against the anchor by {@link ImageService}; an {@code s3://} image
 * by default as a 307 redirect to a presigned GET URL.
 */
@RestController
@Tag(name = "documents")
public class ImageController {

  private final ImageService images;

  public ImageController(ImageService images) {
    this.images = images;
  }

  @Operation(
      operationId = "getImage",
      summary = "The bytes of a document's n-th image, checked against its anchor")
  @GetMapping("/v1/collections/{name}/documents/{id}/images/{n}")
  public ResponseEntity<byte[]> image(
      @PathVariable String name,
      @PathVariable("id") @Parameter(description = DocumentController.ID_RULE) String routedId,
      @PathVariable int n,
      @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch,
      HttpServletRequest request)
      throws IOException {
    String id = DocumentIds.fromPath(request);
    return switch (images.image(name, id, n, ifNoneMatch)) {
      case ImageService.Image.NotModified m -> ResponseEntity.status(304).eTag(m.etag()).build();
      case ImageService.Image.Redirect r -> {
        ResponseEntity.BodyBuilder found =
            ResponseEntity.status(307).location(r.url()).cacheControl(CacheControl.noStore());
        if (r.etag() != null) {
          found.eTag(r.etag());
        }
        yield found.build();
      }
      case ImageService.Image.Bytes b -> {
        ResponseEntity.BodyBuilder ok =
            ResponseEntity.ok()
                .contentType(mediaType(b.contentType()))
                .contentLength(b.bytes().length)
                .cacheControl(CacheControl.noCache().cachePrivate());
        if (b.etag() != null) {
          ok.eTag(b.etag());
        }
        yield ok.body(b.bytes());
      }
    };
  }

  private static MediaType mediaType(String contentType) {
    try {
      return contentType == null
          ? MediaType.APPLICATION_OCTET_STREAM
          : MediaType.parseMediaType(contentType);
    } catch (RuntimeException e) {
      return MediaType.APPLICATION_OCTET_STREAM;
    }
  }
}
