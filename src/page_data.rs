//! What a page shows: on its first load the data the server drew it with
//! (`handover::Preloaded`, sent in the page), otherwise fetched. The app's first page is
//! then drawn at once instead of asking the API again for what the HTML already shows (on a
//! slow connection, a round trip or four before the hand-over). A change of what the data
//! depends on (the language, the address's parts) or a refetch asks the API as before.

use leptos::prelude::*;
use std::future::Future;

/// A page's data for the key it depends on; `T` is what the page reads (usually a `Result`).
pub struct PageData<K: Send + Sync + 'static, T: Send + Sync + 'static> {
    /// What the page shows: the latest answer, or the first data until one came. Equal
    /// values do not redraw the page (the resource's answer for the first key is the first
    /// data itself).
    shown: Memo<Option<T>>,
    /// The server's data and the key it was drawn for (`None` once refetched).
    first: StoredValue<Option<(Option<K>, T)>, LocalStorage>,
    fetched: LocalResource<T>,
}

impl<K: Send + Sync, T: Send + Sync> Clone for PageData<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync, T: Send + Sync> Copy for PageData<K, T> {}

impl<K, T> PageData<K, T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    /// What the page shows, with the hand-over told: it waits for the data unless the
    /// server's is for this key, and hands over once the data is drawn.
    pub fn handed_over(self) -> Signal<Option<T>> {
        if !self.at_hand() {
            crate::handover::wait();
        }
        let data = Signal::derive(move || self.get());
        Effect::new(move |_| {
            if data.with(Option::is_some) {
                crate::handover::shown();
            }
        });
        data
    }

    /// `first`: what the server drew the page with, for the key as it is now.
    pub fn new<Fut>(
        first: Option<T>,
        key: impl Fn() -> K + Send + Sync + 'static,
        fetch: impl Fn(K) -> Fut + 'static,
    ) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let key = Memo::new(move |_| key());
        let first = StoredValue::new_local(first.map(|t| (Some(key.get_untracked()), t)));
        let for_key = move |k: &K| {
            first.with_value(|f| match f {
                Some((Some(at), t)) if at == k => Some(t.clone()),
                _ => None,
            })
        };
        let fetched = LocalResource::new(move || {
            let k = key.get();
            let answer = match for_key(&k) {
                Some(t) => Ok(t),
                None => Err(fetch(k)),
            };
            async move {
                match answer {
                    Ok(at_hand) => at_hand,
                    Err(fetching) => fetching.await,
                }
            }
        });
        let shown = Memo::new(move |before: Option<&Option<T>>| {
            fetched
                .get()
                .or_else(|| untrack(|| for_key(&key.get_untracked())))
                // Asked again before the first answer came: what was shown stays.
                .or_else(|| before.cloned().flatten())
        });
        PageData {
            shown,
            first,
            fetched,
        }
    }

    /// Whether the page has its data without asking (the server sent it).
    pub fn at_hand(&self) -> bool {
        self.first.with_value(Option::is_some)
    }

    /// The data for the key as it is now; while that is being fetched, what was shown before
    /// (`None` only before anything came).
    pub fn get(&self) -> Option<T> {
        self.shown.get()
    }

    /// Asks again (something changed on the server); the first data is not taken for the
    /// answer any more. What is shown stays until the answer comes.
    pub fn refetch(&self) {
        // What is shown now is taken before the first data goes (the memo keeps it).
        let _ = self.shown.get_untracked();
        self.first.update_value(|f| {
            if let Some((at, _)) = f {
                *at = None;
            }
        });
        self.fetched.refetch();
    }
}
