//! Images: `media/uploadimg` (body images, answered with a URL) and the permanent
//! image library, `material/add_material` and `material/batchget_material`.

use super::state::{self, Image, Material};
use super::wire::{ok, page, status, Reply, Req};
use super::Shared;
use crate::wechat::limits::{IMAGE_MAX_BYTES, MATERIAL_MAX_BYTES};
use crate::wechat::types::{
    AddMaterialResponse, MaterialBatchgetRequest, MaterialItem, MaterialPage, MaterialTypeQuery,
    UploadImageResponse, UPLOAD_FIELD,
};
use axum::extract::{Multipart, Query, State as AxState};
use axum::Json;
use serde_json::Value;

enum ImageType {
    Jpeg,
    Png,
    Gif,
}

fn sniff(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageType::Png)
    } else if bytes.starts_with(b"GIF8") {
        Some(ImageType::Gif)
    } else {
        None
    }
}

/// The file of a multipart upload: its file name and bytes.
async fn media_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), Json<Value>> {
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some(UPLOAD_FIELD) {
            let name = field.file_name().unwrap_or_default().to_string();
            return field
                .bytes()
                .await
                .map(|b| (name, b.to_vec()))
                .map_err(|_| status(41005, "media data missing"));
        }
    }
    Err(status(41005, "media data missing"))
}

pub async fn upload_image(AxState(sb): AxState<Shared>, multipart: Multipart) -> Reply {
    let (_, bytes) = media_file(multipart).await?;
    if !matches!(sniff(&bytes), Some(ImageType::Jpeg | ImageType::Png)) {
        return Err(status(40005, "invalid file type: uploadimg takes jpg/png"));
    }
    if bytes.len() as u64 >= IMAGE_MAX_BYTES {
        return Err(status(
            40009,
            "invalid image size: uploadimg takes images under 1MB",
        ));
    }
    let mut s = sb.state();
    let n = s.next_id();
    let url = format!("http://mmbiz.qpic.cn/sandbox/{n}/0");
    s.images.push(Image {
        url: url.clone(),
        bytes: bytes.len(),
    });
    ok(&UploadImageResponse { url })
}

pub async fn add_material(
    AxState(sb): AxState<Shared>,
    Query(query): Query<MaterialTypeQuery>,
    multipart: Multipart,
) -> Reply {
    if query.kind != "image" {
        return Err(status(
            40004,
            "invalid media type: the sandbox takes type=image",
        ));
    }
    let (name, bytes) = media_file(multipart).await?;
    if sniff(&bytes).is_none() {
        return Err(status(40005, "invalid file type"));
    }
    if bytes.len() as u64 > MATERIAL_MAX_BYTES {
        return Err(status(40009, "invalid image size: images up to 10MB"));
    }
    let mut s = sb.state();
    let n = s.next_id();
    let media_id = format!("sandbox-media-{n}");
    let url = format!("http://mmbiz.qpic.cn/sandbox/material/{n}/0");
    s.materials.push(Material {
        media_id: media_id.clone(),
        name,
        url: url.clone(),
        bytes: bytes.len(),
        update_time: state::now_unix(),
        size: image::ImageReader::new(std::io::Cursor::new(&bytes))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok()),
    });
    ok(&AddMaterialResponse { media_id, url })
}

/// `material/batchget_material`, newest first. Only `type=image` is kept here.
/// <https://developers.weixin.qq.com/doc/service/api/material/permanent/api_batchgetmaterial>
pub async fn material_batchget(
    AxState(sb): AxState<Shared>,
    Req(r): Req<MaterialBatchgetRequest>,
) -> Reply {
    if r.kind != "image" {
        return Err(status(
            40004,
            "invalid media type: the sandbox lists type=image",
        ));
    }
    let s = sb.state();
    let item: Vec<MaterialItem> = page(s.materials.iter(), r.offset, r.count)
        .map(|m| MaterialItem {
            media_id: m.media_id.clone(),
            name: m.name.clone(),
            update_time: m.update_time,
            url: m.url.clone(),
        })
        .collect();
    ok(&MaterialPage {
        total_count: s.materials.len() as u64,
        item_count: item.len() as u64,
        item,
    })
}
