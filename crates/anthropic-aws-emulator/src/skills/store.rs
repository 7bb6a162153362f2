//! The skills of one emulator and their versions: metadata only (each
//! version keeps its files' names and sizes, not their content).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::ids::IdGen;
use crate::pages::{CursorPage, Cursors};
use crate::time::format_rfc3339;

use super::upload::Upload;

struct Version {
    id: String,
    /// Microseconds since the epoch: the version's identifier.
    number: u64,
    upload: Upload,
    created_at: SystemTime,
}

struct SkillEntry {
    id: String,
    display_title: Option<String>,
    name: String,
    created_at: SystemTime,
    updated_at: SystemTime,
    versions: BTreeMap<u64, Version>,
}

#[derive(Default)]
struct Inner {
    next_seq: u64,
    skills: BTreeMap<u64, SkillEntry>,
    seqs: HashMap<String, u64>,
}

/// The skills of one emulator.
pub(crate) struct SkillStore {
    cursors: Cursors,
    inner: Mutex<Inner>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("skill '{id}' was not found"))
}

fn micros(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn random(ids: &IdGen) -> String {
    // `req_011CS` and 22 random characters: keep the characters.
    ids.anthropic().split_off(9)
}

impl SkillEntry {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "type": "skill",
            "display_title": self.display_title,
            "latest_version": self.versions.keys().next_back().map(u64::to_string),
            "source": "custom",
            "created_at": format_rfc3339(self.created_at),
            "updated_at": format_rfc3339(self.updated_at),
        })
    }

    fn version_json(&self, v: &Version) -> Value {
        json!({
            "id": v.id,
            "type": "skill_version",
            "skill_id": self.id,
            "version": v.number.to_string(),
            "name": v.upload.name,
            "description": v.upload.description,
            "directory": v.upload.directory,
            "created_at": format_rfc3339(v.created_at),
        })
    }

    /// Adds a version made at `now`; its number is later than any before.
    fn add_version(&mut self, ids: &IdGen, upload: Upload, now: SystemTime) -> u64 {
        let last = self.versions.keys().next_back().copied().unwrap_or(0);
        let number = micros(now).max(last + 1);
        let version = Version {
            id: format!("skillver_01{}", random(ids)),
            number,
            upload,
            created_at: now,
        };
        self.versions.insert(number, version);
        self.updated_at = now;
        number
    }
}

impl SkillStore {
    pub(crate) fn new(cursor_key: u64) -> Self {
        SkillStore {
            cursors: Cursors::new(cursor_key),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `POST /v1/skills`: a new skill with its first version.
    pub(crate) fn create(&self, ids: &IdGen, upload: Upload, now: SystemTime) -> Value {
        let mut skill = SkillEntry {
            id: format!("skill_01{}", random(ids)),
            display_title: upload.display_title.clone(),
            name: upload.name.clone(),
            created_at: now,
            updated_at: now,
            versions: BTreeMap::new(),
        };
        skill.add_version(ids, upload, now);
        let body = skill.to_json();
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.seqs.insert(skill.id.clone(), seq);
        inner.skills.insert(seq, skill);
        body
    }

    fn with_skill<T>(
        &self,
        id: &str,
        f: impl FnOnce(&mut SkillEntry) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.lock();
        let seq = *inner.seqs.get(id).ok_or_else(|| not_found(id))?;
        let skill = inner.skills.get_mut(&seq).ok_or_else(|| not_found(id))?;
        f(skill)
    }

    pub(crate) fn get(&self, id: &str) -> Result<Value, ApiError> {
        self.with_skill(id, |s| Ok(s.to_json()))
    }

    /// `DELETE /v1/skills/{id}`: only once every version is deleted.
    pub(crate) fn delete(&self, id: &str) -> Result<Value, ApiError> {
        let mut inner = self.lock();
        let seq = *inner.seqs.get(id).ok_or_else(|| not_found(id))?;
        let versions = inner.skills.get(&seq).map_or(0, |s| s.versions.len());
        if versions > 0 {
            return Err(ApiError::invalid_request(format!(
                "Cannot delete skill '{id}' with existing versions ({versions}): \
                 delete all versions first"
            )));
        }
        inner.seqs.remove(id);
        inner.skills.remove(&seq);
        Ok(json!({ "id": id, "type": "skill_deleted" }))
    }

    /// A page of skills, newest first.
    pub(crate) fn list(
        &self,
        page: &CursorPage<'_>,
        source: Option<&str>,
    ) -> Result<Value, ApiError> {
        let upto = self.cursors.start(page)?;
        let inner = self.lock();
        // Every skill here is `custom`.
        let all = source.is_none_or(|s| s == "custom");
        let items = inner.skills.range(..upto).rev().filter(|_| all);
        let items = items.map(|(seq, skill)| (*seq, skill));
        Ok(self.cursors.answer(items, page.limit, |s| s.to_json()))
    }

    /// `POST /v1/skills/{id}/versions`: the name must stay the skill's.
    pub(crate) fn create_version(
        &self,
        id: &str,
        ids: &IdGen,
        upload: Upload,
        now: SystemTime,
    ) -> Result<Value, ApiError> {
        self.with_skill(id, |skill| {
            if upload.name != skill.name {
                return Err(ApiError::invalid_request(format!(
                    "the skill's name is '{}': a new version cannot be named '{}'",
                    skill.name, upload.name
                )));
            }
            let number = skill.add_version(ids, upload, now);
            let version = skill.versions.get(&number).ok_or_else(|| not_found(id))?;
            Ok(skill.version_json(version))
        })
    }

    /// The version `version` (or `latest`) of skill `id`.
    fn find(skill: &SkillEntry, version: &str) -> Result<u64, ApiError> {
        let number = match version {
            "latest" => skill.versions.keys().next_back().copied(),
            v => v
                .parse::<u64>()
                .ok()
                .filter(|n| skill.versions.contains_key(n)),
        };
        number.ok_or_else(|| {
            ApiError::not_found(format!(
                "version '{version}' of skill '{}' was not found",
                skill.id
            ))
        })
    }

    pub(crate) fn get_version(&self, id: &str, version: &str) -> Result<Value, ApiError> {
        self.with_skill(id, |skill| {
            let number = Self::find(skill, version)?;
            let v = skill.versions.get(&number).ok_or_else(|| not_found(id))?;
            Ok(skill.version_json(v))
        })
    }

    pub(crate) fn delete_version(&self, id: &str, version: &str) -> Result<Value, ApiError> {
        self.with_skill(id, |skill| {
            let number = Self::find(skill, version)?;
            skill.versions.remove(&number);
            Ok(json!({ "id": number.to_string(), "type": "skill_version_deleted" }))
        })
    }

    /// A page of a skill's versions, newest first.
    pub(crate) fn list_versions(&self, id: &str, page: &CursorPage<'_>) -> Result<Value, ApiError> {
        let upto = self.cursors.start(page)?;
        self.with_skill(id, |skill| {
            let items = skill.versions.range(..upto).rev();
            let items = items.map(|(number, v)| (*number, v));
            Ok(self
                .cursors
                .answer(items, page.limit, |v| skill.version_json(v)))
        })
    }

    /// How many skills and versions are kept (for tests).
    pub(crate) fn counts(&self) -> (usize, usize) {
        let inner = self.lock();
        let versions = inner.skills.values().map(|s| s.versions.len()).sum();
        (inner.skills.len(), versions)
    }
}
