//! What the engine asks about an actor: its country, its agents, and whether it is armed or
//! without a state, by the agent groups of `dict/facts.txt`.

use std::rc::Rc;

use crate::actors::ActorRef;
use crate::dict::rules::ActorKw;
use crate::dict::Facts;

/// The agent groups of the facts the engine reads, looked up once.
#[derive(Debug, Clone, Default)]
pub struct AgentGroups {
    non_state: Vec<Box<str>>,
    armed: Vec<Box<str>>,
    opposition: Vec<Box<str>>,
    non_state_prefixes: Vec<Box<str>>,
}

impl AgentGroups {
    pub fn from_facts(f: &Facts) -> Self {
        let group = |k: ActorKw| f.agents(&k.keyword()).to_vec();
        AgentGroups {
            non_state: group(ActorKw::NonState),
            armed: group(ActorKw::Armed),
            opposition: group(ActorKw::Opposition),
            non_state_prefixes: f.non_state_prefixes.clone(),
        }
    }

    /// Rebels, militants, armed groups without a state: by an agent, the agent that ends the
    /// code, a named group filed under its country's rebels (Hamas is PSEREBHMS), or a prefix
    /// of bodies without a country (IMG).
    pub fn non_state(&self, a: &ActorRef) -> bool {
        let ns = |c: &str| self.non_state.iter().any(|x| **x == *c);
        let tail = &a.code[a.code.len().saturating_sub(3)..];
        a.agents.iter().any(|g| ns(g))
            || (a.code.len() > 3 && ns(tail))
            || (a.code.len() > 6 && !is_igo(&a.code) && a.code.get(3..6).is_some_and(ns))
            || (a.country.is_none()
                && self
                    .non_state_prefixes
                    .iter()
                    .any(|p| a.code.starts_with(&**p)))
    }

    /// A military, police or rebel actor: violence against it is a fight.
    pub fn armed(&self, a: &ActorRef) -> bool {
        a.agents
            .iter()
            .any(|g| self.armed.iter().any(|x| **x == **g))
    }

    /// An opposition or rebel actor.
    pub fn opposition(&self, a: &ActorRef) -> bool {
        a.agents
            .iter()
            .any(|g| self.opposition.iter().any(|x| **x == **g))
    }
}

const IGO: &str = "IGO";

/// An international body's code.
pub fn is_igo(code: &str) -> bool {
    code.starts_with(IGO)
}

/// An actor of an agent type, from its agents or its code ("SDNMIL" for "the Sudanese army").
pub fn has_agent(a: &ActorRef, g: &str) -> bool {
    a.agents.iter().any(|x| &**x == g) || (a.code.len() > 3 && a.code.ends_with(g))
}

/// An agent the sentence gave no country: "police", "the protesters".
pub fn bare_agent(a: &ActorRef) -> bool {
    a.country.is_none() && !a.agents.is_empty() && *a.code == *crate::actors::concat(&a.agents)
}

/// An actor's country, or the country a group's code is filed under ("IRQREB" Islamic State).
pub fn country_of(a: &ActorRef) -> Option<Rc<str>> {
    a.country.clone().or_else(|| {
        let c = a.code.get(..3)?;
        (a.code.len() > 3
            && c.bytes().all(|b| b.is_ascii_uppercase())
            && !crate::actors::is_body_prefix(c)
            // An agent-only code ("CVLGOV", a civilian government) has no country.
            && !a.agents.iter().any(|g| &**g == c))
        .then(|| c.into())
    })
}

/// The agent the sentence gave no country takes one: "police" in Harare are ZWECOP.
pub fn give_country(a: &mut ActorRef, c: &str) {
    a.code = format!("{c}{}", crate::actors::concat(&a.agents)).into();
    a.country = Some(c.into());
    a.certainty *= 0.6;
}
