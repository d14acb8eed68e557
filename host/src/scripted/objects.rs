//! The host's recording objects of one instance: each object of a host resource the guest
//! has made (by a constructor, or by any function returning a new one), numbered per
//! resource in the order made (`blob#1`, `blob#2`), and which of them are still alive.

/// The objects of one instance's host resources.
#[derive(Debug, Clone, Default)]
pub(super) struct Objects {
    /// The resources' names, by id.
    names: Vec<String>,
    /// How many objects of each resource were made, by id.
    made: Vec<u32>,
    /// The objects alive now, as (id, rep), in the order made.
    live: Vec<(u32, u32)>,
}

impl Objects {
    /// No objects yet of the resources named `names`, by id.
    pub(super) fn new(names: Vec<String>) -> Self {
        let made = vec![0; names.len()];
        Objects {
            names,
            made,
            live: Vec::new(),
        }
    }

    /// Makes a new object of resource `id`: its rep and label; `None` for an unknown id.
    pub(super) fn make(&mut self, id: u32) -> Option<(u32, String)> {
        let made = self.made.get_mut(usize::try_from(id).ok()?)?;
        *made += 1;
        let rep = *made;
        self.live.push((id, rep));
        Some((rep, self.label(id, rep)))
    }

    /// The label of object `rep` of resource `id`: `blob#1`.
    pub(super) fn label(&self, id: u32, rep: u32) -> String {
        let name = usize::try_from(id)
            .ok()
            .and_then(|i| self.names.get(i))
            .map_or("resource", String::as_str);
        format!("{name}#{rep}")
    }

    /// Object `rep` of resource `id` was dropped (or given back to the host): its label.
    pub(super) fn dropped(&mut self, id: u32, rep: u32) -> String {
        self.live.retain(|&(i, r)| (i, r) != (id, rep));
        self.label(id, rep)
    }

    /// The labels of the objects the guest never dropped, in the order made.
    pub(super) fn undropped(&self) -> Vec<String> {
        self.live
            .iter()
            .map(|&(id, rep)| self.label(id, rep))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_numbered_per_resource_and_tracked_until_dropped() {
        let mut objects = Objects::new(vec!["blob".into(), "pipe".into()]);
        assert_eq!(objects.make(0), Some((1, "blob#1".into())));
        assert_eq!(objects.make(1), Some((1, "pipe#1".into())));
        assert_eq!(objects.make(0), Some((2, "blob#2".into())));
        assert_eq!(objects.make(2), None);
        assert_eq!(objects.dropped(0, 1), "blob#1");
        assert_eq!(objects.undropped(), ["pipe#1", "blob#2"]);
    }
}
